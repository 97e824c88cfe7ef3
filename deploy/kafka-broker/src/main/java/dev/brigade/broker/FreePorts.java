package dev.brigade.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Asks the OS for an unused port. Racy by nature, but good enough for one broker per test JVM. */
final class FreePorts {

    private FreePorts() {
    }

    static int pick(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + host, e);
        }
    }

    /** Fails fast with a plain message, instead of Kafka's bind error seconds later deep in a stack trace. */
    static void requireFree(String host, int port, String purpose) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new PortInUseException(purpose + " port " + port + " on " + host + " is already in use", e);
        }
    }

    static int pickOtherThan(String host, int taken) {
        for (int attempt = 0; attempt < 10; attempt++) {
            int candidate = pick(host);
            if (candidate != taken) {
                return candidate;
            }
        }
        throw new IllegalStateException("No free port on " + host + " other than " + taken);
    }

    static final class PortInUseException extends IllegalStateException {
        PortInUseException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

package dev.brigade.broker;

import java.util.ArrayList;
import java.util.List;

/**
 * The launchers' options, {@code --name value} or {@code --name=value}, read one at a time; parsed without a
 * library so that a launcher needs nothing beyond Kafka itself.
 */
final class CommandLine {

    private final List<String> queue;
    private String arg;
    private String name;
    private String inlineValue;

    CommandLine(String[] args) {
        this.queue = new ArrayList<>(List.of(args));
    }

    /** Moves to the next option; false when none is left. */
    boolean next() {
        if (queue.isEmpty()) {
            return false;
        }
        arg = queue.remove(0);
        name = arg;
        inlineValue = null;
        int equals = arg.indexOf('=');
        if (arg.startsWith("--") && equals > 0) {
            name = arg.substring(0, equals);
            inlineValue = arg.substring(equals + 1);
        }
        return true;
    }

    /** The option's name, such as {@code --port}. */
    String name() {
        return name;
    }

    IllegalArgumentException unknown() {
        return new IllegalArgumentException("Unknown option: " + arg);
    }

    /** The option's value: after '=' or the next argument. */
    String value() {
        if (inlineValue != null) {
            return inlineValue;
        }
        if (queue.isEmpty() || queue.get(0).startsWith("--")) {
            throw new IllegalArgumentException("Option " + name + " needs a value");
        }
        return queue.remove(0);
    }

    /** The option's value as a port number, 0 (any free port) included. */
    int port() {
        String value = value();
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Option " + name + " needs a port number (0-65535), got: " + value);
        }
    }
}

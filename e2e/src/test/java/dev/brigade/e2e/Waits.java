package dev.brigade.e2e;

import java.time.Duration;
import java.util.function.Supplier;

/** Polling for what a process across the wire does in its own time. */
final class Waits {

    private Waits() {
    }

    /** Asks the probe every half second until it answers non-null; fails naming what did not happen in time. */
    static <T> T await(String what, Duration timeout, Supplier<T> probe) {
        T value = awaitOrNull(timeout, probe);
        if (value == null) {
            throw new AssertionError("no " + what + " within " + timeout);
        }
        return value;
    }

    /** As {@link #await}, but null when the probe never answered non-null in time, for a caller's own message. */
    static <T> T awaitOrNull(Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            ServiceProcess.sleep(500);
        }
        return null;
    }
}

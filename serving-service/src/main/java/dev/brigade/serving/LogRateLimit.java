package dev.brigade.serving;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets a log line through at most once per interval, whichever thread asks: a condition that repeats on every
 * request is logged, not flooded, and its counter metric carries the full count.
 */
public final class LogRateLimit {

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong next;

    public LogRateLimit(Duration interval) {
        this(interval, System::nanoTime);
    }

    LogRateLimit(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.next = new AtomicLong(nanoTime.getAsLong());
    }

    /** True for the first call, then for the first call an interval or more after the last one that was true. */
    public boolean due() {
        long now = nanoTime.getAsLong();
        long at = next.get();
        // Only the caller whose compare-and-set wins logs: threads that race for the same slot log once between them.
        return now - at >= 0 && next.compareAndSet(at, now + intervalNanos);
    }
}

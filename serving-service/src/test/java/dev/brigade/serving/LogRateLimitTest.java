package dev.brigade.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LogRateLimitTest {

    private final AtomicLong clock = new AtomicLong(1_000);
    private final LogRateLimit limit = new LogRateLimit(Duration.ofNanos(100), clock::get);

    @Test
    void theFirstCallIsDueAndTheNextOnlyAfterTheInterval() {
        // Given a limit of one line per 100 ns, used for the first time
        // When it is asked at once, again within the interval, and at its end
        boolean first = limit.due();
        boolean repeated = limit.due();
        clock.addAndGet(99);
        boolean justBefore = limit.due();
        clock.addAndGet(1);
        boolean atTheEnd = limit.due();
        boolean afterThat = limit.due();

        // Then only the first call and the first one an interval later are let through
        assertThat(first).isTrue();
        assertThat(repeated).isFalse();
        assertThat(justBefore).isFalse();
        assertThat(atTheEnd).isTrue();
        assertThat(afterThat).isFalse();
    }

    @Test
    void aLongSilenceLetsTheNextCallThroughOnce() {
        // Given a line let through long ago
        limit.due();
        clock.addAndGet(10_000);

        // When two calls come after the silence
        // Then the first one logs and the interval starts again from it
        assertThat(limit.due()).isTrue();
        assertThat(limit.due()).isFalse();
    }
}

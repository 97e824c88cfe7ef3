package dev.brigade.serving.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.brigade.platform.http.FieldError;

class BatchJobsTest {

    private static final Instant NOW = Instant.parse("2026-11-26T18:00:00Z");
    private static final Duration MAX = Duration.ofDays(31);

    @Test
    void aPastRangeWithinTheLimitIsAccepted() {
        assertThat(BatchJobs.checkRange(NOW.minus(Duration.ofDays(2)), NOW.minus(Duration.ofDays(1)), MAX, NOW))
                .isEmpty();
    }

    @Test
    void badRangesAreNamed() {
        // Given ranges that are missing, reversed, empty, too long, or reach into the future
        List<FieldError> missing = BatchJobs.checkRange(null, null, MAX, NOW);
        List<FieldError> reversed = BatchJobs.checkRange(NOW.minusSeconds(10), NOW.minusSeconds(20), MAX, NOW);
        List<FieldError> empty = BatchJobs.checkRange(NOW.minusSeconds(10), NOW.minusSeconds(10), MAX, NOW);
        List<FieldError> tooLong = BatchJobs.checkRange(NOW.minus(Duration.ofDays(40)), NOW, MAX, NOW);
        List<FieldError> future = BatchJobs.checkRange(NOW.minusSeconds(10), NOW.plusSeconds(3600), MAX, NOW);

        // Then each names the field to fix
        assertThat(missing).extracting(FieldError::field).containsExactly("from", "to");
        assertThat(reversed).extracting(FieldError::message).anyMatch(m -> m.contains("after from"));
        assertThat(empty).extracting(FieldError::field).containsExactly("to");
        assertThat(tooLong).extracting(FieldError::message).anyMatch(m -> m.contains("at most 31 days"));
        assertThat(future).extracting(FieldError::message).anyMatch(m -> m.contains("future"));
    }

    @Test
    void percentilesAreNearestRank() {
        double[] sorted = new double[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertThat(dev.brigade.serving.JobState.percentile(sorted, 0.50)).isEqualTo(50.0);
        assertThat(dev.brigade.serving.JobState.percentile(sorted, 0.95)).isEqualTo(95.0);
        assertThat(dev.brigade.serving.JobState.percentile(new double[] {0.3}, 0.95)).isEqualTo(0.3);
    }
}

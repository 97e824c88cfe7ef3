package dev.brigade.events.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void theShortFormsAndIsoReadAsTheirDurations() {
        // Given each accepted form, When parsed, Then each is its duration
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Durations.parse(" 10 m ")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("6h")).isEqualTo(Duration.ofHours(6));
        assertThat(Durations.parse("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(Durations.parse("PT10M")).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void anythingElseIsRefusedNamingTheForms() {
        assertThat(Durations.tryParse("ten minutes")).isEmpty();
        assertThat(Durations.tryParse(null)).isEmpty();
        assertThatThrownBy(() -> Durations.parse("10y")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"10y\"").hasMessageContaining("30d");
    }

    @Test
    void formatWritesTheLargestEvenUnitSoEqualDurationsReadTheSame() {
        assertThat(Durations.format(Duration.ofMinutes(60))).isEqualTo("1h");
        assertThat(Durations.format(Duration.ofHours(48))).isEqualTo("2d");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.parse(Durations.format(Duration.ofMinutes(90)))).isEqualTo(Duration.ofMinutes(90));
    }
}

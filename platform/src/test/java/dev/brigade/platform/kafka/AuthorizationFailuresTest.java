package dev.brigade.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class AuthorizationFailuresTest {

    @Test
    void aRefusalStandsUntilTheResourceIsGrantedAndIsReportedOnce() {
        // Given no refusal
        AuthorizationFailures failures = new AuthorizationFailures();
        TopicAuthorizationException denied = new TopicAuthorizationException("Not authorized to access topics: "
                + "[registry-events]");

        // When the broker refuses registry-events twice
        boolean first = failures.refused("registry-events", denied);
        boolean second = failures.refused("registry-events", denied);

        // Then it is new once, and stands with the broker's words
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(failures.current()).containsOnlyKeys("registry-events");
        assertThat(failures.current().get("registry-events").error())
                .isEqualTo("TopicAuthorizationException: Not authorized to access topics: [registry-events]");

        // When a later read succeeds, the refusal is gone
        failures.granted("registry-events");
        assertThat(failures.current()).isEmpty();
    }

    @Test
    void findsTheAuthorizationErrorInsideWhatStreamsAndSmallRyeWrapItIn() {
        GroupAuthorizationException cause = new GroupAuthorizationException("feature-app");
        assertThat(AuthorizationFailures.find(new KafkaException("task failed", new IllegalStateException(cause))))
                .isSameAs(cause);
        assertThat(AuthorizationFailures.find(new KafkaException("broker gone"))).isNull();
    }
}

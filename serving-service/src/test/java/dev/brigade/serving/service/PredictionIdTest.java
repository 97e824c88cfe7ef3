package dev.brigade.serving.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class PredictionIdTest {

    @Test
    void predictionIdsAreDistinctVersion4Uuids() {
        // Given many ids drawn in a row
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            // When one is drawn
            String id = ScoringService.predictionId();

            // Then it parses as a random (version 4, IETF variant) UUID in canonical form
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.toString()).isEqualTo(id);
            ids.add(id);
        }
        // And none repeats
        assertThat(ids).hasSize(100_000);
    }
}

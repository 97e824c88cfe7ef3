package dev.brigade.training.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.brigade.events.DataExpectations;
import dev.brigade.events.FeatureExpectation;
import dev.brigade.events.FeatureSetRegistered;
import dev.brigade.events.FeatureSpec;
import dev.brigade.events.ValueType;
import dev.brigade.training.DataContract;

class FeatureSetCatalogTest {

    @Test
    void theContractComesFromTheRegisteredVersion() {
        // Given a registered version with expectations
        FeatureSetRegistered set = registered(DataExpectations.newBuilder()
                .setFeatures(List.of(new FeatureExpectation("amount", 0.0, null, null, 0.01)))
                .setPositiveShareMax(0.5).setFreshnessMillis(86_400_000L).build());

        // When mapped
        DataContract contract = FeatureSetCatalog.toContract(set);

        // Then types, per-feature expectations, label balance and freshness are all there
        assertThat(contract.types()).containsEntry("amount", "DOUBLE").containsEntry("online", "BOOLEAN");
        assertThat(contract.features()).singleElement().satisfies(e -> {
            assertThat(e.feature()).isEqualTo("amount");
            assertThat(e.min()).contains(0.0);
            assertThat(e.max()).isEmpty();
            assertThat(e.categories()).isEmpty();
            assertThat(e.maxMissingRate()).contains(0.01);
        });
        assertThat(contract.positiveShareMin()).isEmpty();
        assertThat(contract.positiveShareMax()).contains(0.5);
        assertThat(contract.freshness()).contains(Duration.ofDays(1));
    }

    @Test
    void aVersionWithoutExpectationsStillExpectsItsTypes() {
        DataContract contract = FeatureSetCatalog.toContract(registered(null));
        assertThat(contract.types()).hasSize(2);
        assertThat(contract.features()).isEmpty();
        assertThat(contract.freshness()).isEmpty();
    }

    private static FeatureSetRegistered registered(DataExpectations expectations) {
        return FeatureSetRegistered.newBuilder().setName("s").setVersion(1)
                .setFeatures(List.of(new FeatureSpec("amount", ValueType.DOUBLE, null),
                        new FeatureSpec("online", ValueType.BOOLEAN, null)))
                .setDefinition("name: s\n").setDefinitionSha256("00").setRegisteredAt(Instant.EPOCH)
                .setExpectations(expectations).build();
    }
}

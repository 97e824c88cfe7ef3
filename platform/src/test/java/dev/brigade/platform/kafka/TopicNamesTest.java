package dev.brigade.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.brigade.events.topics.TopicCatalog;
import dev.brigade.events.topics.TopicSpec;
import dev.brigade.events.topics.Topics;
import io.quarkus.runtime.configuration.ConfigurationException;

/** The install prefix on every kind of name, its validation, and a name read back from outside. */
class TopicNamesTest {

    @Test
    void everyKindOfNameCarriesThePrefix() {
        // Given an install prefixed "team-a."
        TopicNames names = new TopicNames("team-a.");

        // Then topics, dead letters, groups, application ids and transactional ids all start with it
        assertThat(names.topic(Topics.RAW_EVENTS)).isEqualTo("team-a.raw-events");
        assertThat(names.dlq(Topics.LABELS)).isEqualTo("team-a.labels.dlq");
        assertThat(Topics.dlq(names.topic(Topics.LABELS))).isEqualTo(names.dlq(Topics.LABELS));
        assertThat(names.group("training-service")).isEqualTo("team-a.training-service");
        assertThat(names.applicationId("brigade-monitor")).isEqualTo("team-a.brigade-monitor");
        assertThat(names.transactionalId("registry-service-writer")).isEqualTo("team-a.registry-service-writer");
    }

    @Test
    void noPrefixLeavesTheLogicalNames() {
        // Given the default install
        TopicNames names = new TopicNames("");

        // Then the physical names are the contract's names
        assertThat(names.topic(Topics.REGISTRY_EVENTS)).isEqualTo("registry-events");
        assertThat(names.dlq(Topics.ALERTS)).isEqualTo("alerts.dlq");
        assertThat(new TopicNames(null)).isEqualTo(TopicNames.NONE);
        assertThat(names.catalogue()).extracting(TopicSpec::name)
                .containsExactlyElementsOf(TopicCatalog.all().stream().map(TopicSpec::name).toList());
    }

    @Test
    void theCatalogueAndItsPartitionOverridesGetThePrefix() {
        // Given a prefixed install with a partition override by logical name
        TopicNames names = new TopicNames("b.");

        // When the catalogue is named for creation
        // Then every topic, dead letters included, is prefixed and keeps its settings
        assertThat(names.catalogue()).hasSameSizeAs(TopicCatalog.all())
                .allSatisfy(t -> assertThat(t.name()).startsWith("b."));
        TopicSpec registry = names.catalogue().stream().filter(t -> t.name().equals("b.registry-events")).findFirst()
                .orElseThrow();
        assertThat(registry.configs()).isEqualTo(TopicCatalog.get(Topics.REGISTRY_EVENTS).configs());
        assertThat(names.catalogue()).extracting(TopicSpec::name).contains("b.raw-events.accepted.dlq");
        assertThat(names.physicalKeys(Map.of(Topics.RAW_EVENTS, 12))).containsExactly(Map.entry("b.raw-events", 12));
    }

    @Test
    void aNameFromOutsideIsReadBackOnlyWhenItIsThisInstalls() {
        // Given an install prefixed "a."
        TopicNames names = new TopicNames("a.");

        // Then its own topic reads back as the logical name, another install's or a bare one as nothing
        assertThat(names.logical("a.labels")).contains("labels");
        assertThat(names.logical("b.labels")).isEmpty();
        assertThat(names.logical("labels")).isEmpty();
        assertThat(names.logical("a.")).isEmpty();
        assertThat(names.logical(null)).isEmpty();
        assertThat(TopicNames.NONE.logical("labels")).contains("labels");
    }

    @Test
    void aPrefixKafkaCannotNameIsRefusedNamingTheVariable() {
        // Then characters outside [a-zA-Z0-9._-] and an over-long prefix are refused, saying which setting
        assertThatThrownBy(() -> new TopicNames("team a/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BRIGADE_TOPIC_PREFIX").hasMessageContaining("'team a/'");
        assertThatThrownBy(() -> new TopicNames("ä.")).hasMessageContaining("BRIGADE_TOPIC_PREFIX");
        assertThatThrownBy(() -> new TopicNames("x".repeat(TopicNames.MAX_LENGTH + 1)))
                .hasMessageContaining("BRIGADE_TOPIC_PREFIX").hasMessageContaining("at most " + TopicNames.MAX_LENGTH);
        assertThat(new TopicNames("x".repeat(TopicNames.MAX_LENGTH)).prefix()).hasSize(TopicNames.MAX_LENGTH);
        assertThat(new TopicNames("Team_1-a.").prefix()).isEqualTo("Team_1-a.");
    }

    @Test
    void theStationsBeanRefusesABadPrefixAsOneConfigurationLine() {
        // Given brigade.topics.prefix (BRIGADE_TOPIC_PREFIX) set to a name Kafka cannot hold
        KafkaTopicsConfig bad = TopicsSettings.withPrefix(Optional.of("team/a"));

        // When a station asks for its names (TopicSetup does at start), then it stops naming the variable, no cause
        assertThatThrownBy(() -> new KafkaClientsProducer().names(bad)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("BRIGADE_TOPIC_PREFIX").hasNoCause();
        assertThat(new KafkaClientsProducer().names(TopicsSettings.withPrefix(Optional.empty()))).isEqualTo(TopicNames.NONE);
    }
}

package dev.brigade.events.topics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicCatalogFileTest {

    @Test
    void aTopicIsItsNamePartitionsAndConfigsOnOneLine() {
        assertThat(TopicCatalogFile.line(TopicCatalog.get(Topics.REGISTRY_EVENTS)))
                .isEqualTo("registry-events 1 cleanup.policy=delete retention.ms=-1");
        assertThat(TopicCatalogFile.line(TopicCatalog.get(Topics.FEATURE_SETS)))
                .startsWith("feature-sets 1 cleanup.policy=compact");
    }
}

package dev.brigade.broker;

import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** The rules the ACL table must keep, checked on the table itself, and the README showing the table as it is. */
class StationAclsTest {

    @Test
    void onlyTheRegistryWritesRegistryEventsWhileEveryReaderMayDeadLetterIt() {
        // Given the table

        // When it is asked who writes and who reads registry-events and its dead letters
        List<String> writers = usersWith(ResourceType.TOPIC, "registry-events", WRITE);
        List<String> readers = usersWith(ResourceType.TOPIC, "registry-events", READ);
        List<String> deadLetterWriters = usersWith(ResourceType.TOPIC, "registry-events.dlq", WRITE);

        // Then the registry alone writes it, and registry, serving, monitor and training read and dead-letter it
        assertThat(writers).containsExactly(StationAcls.REGISTRY_SERVICE);
        assertThat(readers).containsExactlyInAnyOrder(StationAcls.REGISTRY_SERVICE, StationAcls.SERVING_SERVICE,
                StationAcls.MONITOR_SERVICE, StationAcls.TRAINING_SERVICE);
        assertThat(deadLetterWriters).containsExactlyInAnyOrderElementsOf(readers);
    }

    @Test
    void theEventProducerWritesTheInputsAndNothingElse() {
        // Given the producer's rows
        List<StationAcls.Grant> rows = StationAcls.TABLE.stream()
                .filter(grant -> grant.user().equals(StationAcls.PRODUCER)).toList();

        // Then they are WRITE on raw-events, labels and scoring-requests, by literal name
        assertThat(rows).allSatisfy(grant -> {
            assertThat(grant.type()).isEqualTo(ResourceType.TOPIC);
            assertThat(grant.pattern()).isEqualTo(PatternType.LITERAL);
            assertThat(grant.operations()).containsExactly(WRITE);
        });
        assertThat(rows).extracting(StationAcls.Grant::name)
                .containsExactlyInAnyOrder("raw-events", "labels", "scoring-requests");
    }

    @Test
    void servingWritesPredictionsAndStreamsStationsOwnTheirApplicationIdPrefixes() {
        assertThat(usersWith(ResourceType.TOPIC, "predictions", WRITE)).containsExactly(StationAcls.SERVING_SERVICE);
        for (var station : List.of(List.of(StationAcls.FEATURE_SERVICE, StationAcls.FEATURE_STREAMS_PREFIX),
                List.of(StationAcls.MONITOR_SERVICE, StationAcls.MONITOR_STREAMS_PREFIX))) {
            List<StationAcls.Grant> prefixed = StationAcls.TABLE.stream()
                    .filter(grant -> grant.user().equals(station.get(0)) && grant.pattern() == PatternType.PREFIXED)
                    .toList();
            assertThat(prefixed).extracting(StationAcls.Grant::type).containsExactlyInAnyOrder(ResourceType.TOPIC,
                    ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID);
            assertThat(prefixed).allSatisfy(grant -> assertThat(grant.name()).isEqualTo(station.get(1)));
            assertThat(prefixed.stream().filter(grant -> grant.type() == ResourceType.TOPIC).findFirst().orElseThrow()
                    .operations()).contains(AclOperation.CREATE);
        }
        // No station creates catalogue topics: the admin does, before they start.
        assertThat(StationAcls.TABLE).filteredOn(grant -> grant.operations().contains(AclOperation.CREATE))
                .allSatisfy(grant -> assertThat(grant.pattern()).isEqualTo(PatternType.PREFIXED));
    }

    @Test
    void theReadmeShowsTheTableAsTheCodeHasIt() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);

        assertThat(readme).contains(StationAcls.markdownTable());
    }

    private static List<String> usersWith(ResourceType type, String name, AclOperation operation) {
        return StationAcls.TABLE.stream()
                .filter(grant -> grant.type() == type && grant.pattern() == PatternType.LITERAL
                        && grant.name().equals(name) && grant.operations().contains(operation))
                .map(StationAcls.Grant::user)
                .distinct()
                .toList();
    }
}

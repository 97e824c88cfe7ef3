package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaProbe;
import dev.brigade.broker.SharedKafkaBroker;
import dev.brigade.events.TrainingExample;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.TopicCatalog;
import dev.brigade.events.topics.TopicProvisioner;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.KafkaSettings;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.training.Dataset;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.Example;
import dev.brigade.training.InputFeature;
import dev.brigade.training.InputType;

/** Datasets as offset ranges of training-examples, on a real broker. */
class DatasetReaderTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final List<InputFeature> INPUTS = List.of(new InputFeature("x", InputType.DOUBLE),
            new InputFeature("flag", InputType.BOOLEAN), new InputFeature("n", InputType.LONG));
    private static final EventCodec<TrainingExample> CODEC = EventCodec.of(TrainingExample.class);

    private static KafkaClients clients;
    private static KafkaProbe probe;

    @BeforeAll
    static void broker() {
        String bootstrap = SharedKafkaBroker.bootstrapServers();
        clients = new KafkaClients(new KafkaSettings(Map.of("bootstrap.servers", bootstrap)));
        try (Admin admin = clients.admin("dataset-reader-test", Map.of())) {
            new TopicProvisioner(admin, (short) 1, Duration.ofSeconds(30)).ensure(TopicCatalog.all());
        }
        probe = new KafkaProbe(bootstrap);
    }

    @AfterAll
    static void close() {
        probe.close();
    }

    @Test
    void readsUpToTheEndOffsetsTakenAtStartAndReadsTheSameRowsAgainFromTheRecord() {
        // Given examples of this feature set (in shuffled time order), of another version, of another use case,
        // one after the cutoff, and a record that does not decode
        String set = "fs-" + UUID.randomUUID().toString().substring(0, 8);
        int[] minutes = {5, 1, 4, 2, 3};
        for (int m : minutes) {
            send(example(set, 1, "e" + m, m, null, Map.of("x", 1.5 * m, "flag", m % 2 == 0)));
        }
        send(example(set, 2, "v2", 6, null, Map.of("x", 1.0)));
        send(example(set, 1, "other-uc", 7, "other", Map.of("x", 1.0)));
        send(example(set, 1, "late", 60 * 24 * 3, null, Map.of("x", 1.0)));
        probe.send(Topics.TRAINING_EXAMPLES, "bad", new byte[] {1, 2, 3});
        Instant cutoff = T0.plus(Duration.ofDays(1));

        // When read for use case "mine"
        DatasetReader reader = new DatasetReader(clients, TopicNames.NONE, Duration.ofSeconds(30));
        Dataset dataset = reader.read("mine", set, 1, INPUTS, cutoff, Map.of(), example -> {
        });

        // Then the rows are this set's, in event-time order, inputs in contract order with absent values missing
        assertThat(ids(dataset)).containsExactly("e1", "e2", "e3", "e4", "e5");
        Example e2 = dataset.rows().get(1);
        assertThat(e2.features()[0]).isEqualTo(3.0);
        assertThat(e2.features()[1]).isEqualTo(1.0);
        assertThat(e2.features()[2]).isNaN();
        assertThat(e2.slices()).containsEntry("region", "eu");
        assertThat(dataset.afterCutoff()).isEqualTo(1);
        assertThat(dataset.otherExamples()).isGreaterThanOrEqualTo(2);
        assertThat(dataset.undecodable()).isGreaterThanOrEqualTo(1);
        assertThat(dataset.newExamples()).isEqualTo(5);
        assertThat(dataset.ranges()).hasSize(3).allSatisfy(r -> assertThat(r.topic())
                .isEqualTo(Topics.TRAINING_EXAMPLES));

        // When more examples arrive after the read and the recorded ranges are read again
        send(example(set, 1, "e0", 0, null, Map.of("x", 0.0)));
        Dataset again = reader.reread(dataset.ranges(), "mine", set, 1, INPUTS, cutoff);

        // Then the rows are the same: the newcomer is outside the recorded ranges
        assertThat(ids(again)).containsExactly("e1", "e2", "e3", "e4", "e5");
        for (int r = 0; r < again.rows().size(); r++) {
            assertThat(again.rows().get(r).features()).containsExactly(dataset.rows().get(r).features());
        }

        // And a read that starts where these ranges ended counts only the newcomer as new
        Map<Integer, Long> ends = new HashMap<>();
        for (DatasetRange range : dataset.ranges()) {
            ends.put(range.partition(), range.toOffset());
        }
        Dataset next = reader.read("mine", set, 1, INPUTS, cutoff, ends, example -> {
        });
        assertThat(next.rows()).hasSize(6);
        assertThat(next.newExamples()).isEqualTo(1);
    }

    @Test
    void aReReadRefusesRangesOfAnotherInstallsTopic() {
        // Given the reader of an install prefixed "a." and a recorded range naming install b's examples
        DatasetReader reader = new DatasetReader(clients, new TopicNames("a."), Duration.ofSeconds(30));
        List<DatasetRange> foreign = List.of(new DatasetRange("b." + Topics.TRAINING_EXAMPLES, 0, 0, 10));

        // When it is read again, then it is refused before anything is read, naming both topics
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> reader.reread(foreign, "mine", "fs", 1, INPUTS,
                T0)).isInstanceOf(TrainingFailedException.class)
                .hasMessageContaining("b.training-examples").hasMessageContaining("a.training-examples");
    }

    /** Event ids without the feature-set prefix that keeps runs of this test apart. */
    private static List<String> ids(Dataset dataset) {
        return dataset.rows().stream().map(Example::eventId).map(id -> id.substring(id.indexOf('/') + 1)).toList();
    }

    private static void send(TrainingExample example) {
        probe.send(Topics.TRAINING_EXAMPLES, example.getEventId(), CODEC.encode(example));
    }

    private static TrainingExample example(String set, int version, String id, long minute, String useCase,
            Map<String, Object> features) {
        Instant at = T0.plus(Duration.ofMinutes(minute));
        return TrainingExample.newBuilder().setEventId(set + "/" + id).setEntityId("k").setEventTime(at)
                .setLabelTime(at.plusSeconds(60)).setFeatureSet(set).setFeatureSetVersion(version)
                .setFeatures(features).setSlices(Map.of("region", "eu")).setLabel(minute % 2)
                .setUseCase(useCase).build();
    }
}

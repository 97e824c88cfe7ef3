package dev.brigade.e2e;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.brigade.events.FeatureVector;
import dev.brigade.events.TrainingExample;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;

/**
 * The fault suites' counting: output topics read from the beginning to their end (read_committed, what the
 * platform's consumers see) and grouped by event id, so lost and duplicated outputs are exact.
 */
final class OutputTopics {

    /** Per event id, how many outputs it has: vectors and examples of the set counted, vectors of other sets. */
    record Outputs(Map<String, Integer> vectors, Map<String, Integer> examples, Map<String, Integer> otherVectors) {
    }

    private final Map<String, Object> kafka;

    /** @param kafka a reader's connection properties (bootstrap servers and, on a secured cluster, its login) */
    OutputTopics(Map<String, Object> kafka) {
        this.kafka = Map.copyOf(kafka);
    }

    <T extends SpecificRecord> void readAll(String topic, Class<T> type, java.util.function.Consumer<T> each) {
        EventCodec<T> codec = EventCodec.of(type);
        readRecords(topic, record -> each.accept(codec.decode(record.value())));
    }

    /** Every record of the topic from the beginning to the end it had when the read began. */
    void readRecords(String topic, java.util.function.Consumer<ConsumerRecord<String, byte[]>> each) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(each);
            }
        }
    }

    /**
     * Reads feature-vectors and training-examples until every published event has its vector and example in the
     * set, or nothing moved for 45 s (then the counts show what is missing).
     */
    Outputs awaitVectorsAndExamples(Map<String, Integer> published, String set, int setVersion) {
        long lastProgress = System.nanoTime();
        long lastCount = -1;
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (true) {
            Map<String, Integer> vectors = new HashMap<>();
            Map<String, Integer> examples = new HashMap<>();
            Map<String, Integer> other = new HashMap<>();
            readAll(Topics.FEATURE_VECTORS, FeatureVector.class, v -> {
                if (v.getFeatureSet().equals(set) && v.getFeatureSetVersion() == setVersion) {
                    vectors.merge(v.getEventId(), 1, Integer::sum);
                } else if (published.containsKey(v.getEventId())) {
                    other.merge(v.getEventId(), 1, Integer::sum);
                }
            });
            readAll(Topics.TRAINING_EXAMPLES, TrainingExample.class, e -> {
                if (e.getFeatureSet().equals(set) && e.getFeatureSetVersion() == setVersion) {
                    examples.merge(e.getEventId(), 1, Integer::sum);
                }
            });
            long covered = published.keySet().stream()
                    .filter(id -> vectors.containsKey(id) && examples.containsKey(id)).count();
            long count = vectors.size() + examples.size();
            if (covered == published.size()) {
                return new Outputs(vectors, examples, other);
            }
            if (count != lastCount) {
                lastCount = count;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > Duration.ofSeconds(45).toNanos()
                    || System.nanoTime() > deadline) {
                return new Outputs(vectors, examples, other);
            }
            ServiceProcess.sleep(3_000);
        }
    }

    /**
     * Per phase: events in (each raw event and its label), outputs (vectors and examples), lost (an event without
     * its vector, a labelled event without its example) and duplicated (every output beyond the first).
     */
    static long[][] tally(Map<String, Integer> published, Outputs outputs, int phases) {
        long[][] stream = new long[phases][4];
        for (Map.Entry<String, Integer> e : published.entrySet()) {
            long[] s = stream[e.getValue()];
            int nv = outputs.vectors().getOrDefault(e.getKey(), 0);
            int ne = outputs.examples().getOrDefault(e.getKey(), 0);
            s[0] += 2;
            s[1] += nv + ne;
            s[2] += (nv == 0 ? 1 : 0) + (ne == 0 ? 1 : 0);
            s[3] += Math.max(0, nv - 1) + Math.max(0, ne - 1);
        }
        return stream;
    }
}

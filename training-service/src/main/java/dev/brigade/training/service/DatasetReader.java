package dev.brigade.training.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.brigade.events.TrainingExample;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.training.Dataset;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.Example;
import dev.brigade.training.InputFeature;
import dev.brigade.training.mapping.ExampleMapper;

/**
 * Reads a dataset from training-examples: every partition from its first retained offset up to the end offset
 * taken when the read starts, so examples that arrive during the read wait for the next run, and the recorded ranges
 * plus the cutoff give the same rows when read again. The consumer is assigned (no group, nothing committed) and
 * reads committed records only, because the feature-service writes examples in transactions.
 */
public class DatasetReader {

    private final String bootstrapServers;
    private final Duration timeout;
    private final EventCodec<TrainingExample> codec = EventCodec.of(TrainingExample.class);

    public DatasetReader(String bootstrapServers, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    /**
     * @param useCase examples that name another use case are left out; examples that name none are used
     * @param cutoff examples at or after it are left out, so a re-read with the same ranges is the same dataset
     * @param previousEnd per partition, where the last successful run's ranges ended: rows from there on are new
     * @throws TrainingFailedException when the topic cannot be read to its end offsets within the timeout
     */
    public Dataset read(String useCase, String featureSet, int featureSetVersion, List<InputFeature> inputs,
            Instant cutoff, Map<Integer, Long> previousEnd) {
        return read(useCase, featureSet, featureSetVersion, inputs, cutoff, previousEnd, example -> {
        });
    }

    /** As above; {@code observer} sees each example of the dataset as it is on the topic (the contract check). */
    public Dataset read(String useCase, String featureSet, int featureSetVersion, List<InputFeature> inputs,
            Instant cutoff, Map<Integer, Long> previousEnd, Consumer<TrainingExample> observer) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(Topics.TRAINING_EXAMPLES, timeout)) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            partitions.sort(Comparator.comparingInt(TopicPartition::partition));
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<DatasetRange> ranges = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                ranges.add(new DatasetRange(tp.topic(), tp.partition(), begin.get(tp), end.get(tp)));
            }
            return read(consumer, ranges, useCase, featureSet, featureSetVersion, inputs, cutoff, previousEnd,
                    observer);
        } catch (KafkaException e) {
            throw new TrainingFailedException("cannot read " + Topics.TRAINING_EXAMPLES + ": " + e.getMessage(), e);
        }
    }

    /** Reads exactly the given ranges again: how a recorded run is reproduced. */
    public Dataset reread(List<DatasetRange> ranges, String useCase, String featureSet, int featureSetVersion,
            List<InputFeature> inputs, Instant cutoff) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties())) {
            return read(consumer, ranges, useCase, featureSet, featureSetVersion, inputs, cutoff, Map.of(),
                    example -> {
                    });
        }
    }

    private Dataset read(KafkaConsumer<String, byte[]> consumer, List<DatasetRange> ranges, String useCase,
            String featureSet, int featureSetVersion, List<InputFeature> inputs, Instant cutoff,
            Map<Integer, Long> previousEnd, Consumer<TrainingExample> observer) {
        Map<TopicPartition, Long> until = new HashMap<>();
        for (DatasetRange range : ranges) {
            if (range.toOffset() > range.fromOffset()) {
                until.put(new TopicPartition(range.topic(), range.partition()), range.toOffset());
            }
        }
        consumer.assign(until.keySet());
        for (DatasetRange range : ranges) {
            TopicPartition tp = new TopicPartition(range.topic(), range.partition());
            if (until.containsKey(tp)) {
                consumer.seek(tp, range.fromOffset());
            }
        }
        List<Example> rows = new ArrayList<>();
        long other = 0;
        long undecodable = 0;
        long late = 0;
        long fresh = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!until.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new TrainingFailedException("reading " + Topics.TRAINING_EXAMPLES + " did not reach the end "
                        + "offsets " + until + " within " + timeout);
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                Long stop = until.get(tp);
                if (stop == null || record.offset() >= stop) {
                    continue;
                }
                TrainingExample example;
                try {
                    example = codec.decode(record.value());
                } catch (EventDecodingException e) {
                    undecodable++;
                    continue;
                }
                if (!featureSet.equals(example.getFeatureSet())
                        || example.getFeatureSetVersion() != featureSetVersion
                        || (example.getUseCase() != null && !example.getUseCase().equals(useCase))) {
                    other++;
                } else if (!example.getEventTime().isBefore(cutoff)) {
                    late++;
                } else {
                    rows.add(ExampleMapper.toExample(example, inputs));
                    observer.accept(example);
                    if (record.offset() >= previousEnd.getOrDefault(record.partition(), 0L)) {
                        fresh++;
                    }
                }
            }
            // Control records of transactions take offsets too: the position, not the last record, says when a
            // partition is done.
            for (TopicPartition tp : List.copyOf(until.keySet())) {
                if (consumer.position(tp) >= until.get(tp)) {
                    until.remove(tp);
                    consumer.pause(List.of(tp));
                }
            }
        }
        rows.sort(Comparator.comparing(Example::eventTime).thenComparing(Example::eventId));
        return new Dataset(featureSet, featureSetVersion, ranges, cutoff, rows, other, undecodable, late, fresh);
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "training-service-dataset");
        return p;
    }
}

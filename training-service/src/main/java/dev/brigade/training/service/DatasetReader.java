package dev.brigade.training.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import dev.brigade.events.TrainingExample;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicScan;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.training.Dataset;
import dev.brigade.training.DatasetRange;
import dev.brigade.training.Example;
import dev.brigade.training.InputFeature;
import dev.brigade.training.mapping.ExampleMapper;

/**
 * Reads a dataset from training-examples: every partition from its first retained offset up to the end offset
 * taken when the read starts, so examples that arrive during the read wait for the next run, and the recorded ranges
 * plus the cutoff give the same rows when read again. A platform scan: assigned (no group, nothing committed) and
 * read_committed, because the feature-service writes examples in transactions.
 */
public class DatasetReader {

    private final KafkaClients clients;
    private final TopicNames names;
    private final Duration timeout;
    private final EventCodec<TrainingExample> codec = EventCodec.of(TrainingExample.class);

    public DatasetReader(KafkaClients clients, TopicNames names, Duration timeout) {
        this.clients = clients;
        this.names = names;
        this.timeout = timeout;
    }

    /**
     * @param useCase examples that name another use case are left out; examples that name none are used
     * @param cutoff examples at or after it are left out, so a re-read with the same ranges is the same dataset
     * @param previousEnd per partition, where the last successful run's ranges ended: rows from there on are new
     * @param observer sees each example of the dataset as it is on the topic (the contract check)
     * @throws TrainingFailedException when the topic cannot be read to its end offsets within the timeout
     */
    public Dataset read(String useCase, String featureSet, int featureSetVersion, List<InputFeature> inputs,
            Instant cutoff, Map<Integer, Long> previousEnd, Consumer<TrainingExample> observer) {
        try (TopicScan scan = open()) {
            List<DatasetRange> ranges = scan.wholeTopic(names.topic(Topics.TRAINING_EXAMPLES), timeout).stream()
                    .map(r -> new DatasetRange(r.partition().topic(), r.partition().partition(), r.from(), r.to()))
                    .toList();
            return read(scan, ranges, useCase, featureSet, featureSetVersion, inputs, cutoff, previousEnd,
                    observer);
        } catch (KafkaException e) {
            throw new TrainingFailedException("cannot read " + Topics.TRAINING_EXAMPLES + ": " + e.getMessage(), e);
        }
    }

    /** Reads exactly the given ranges again: how a recorded run is reproduced. */
    public Dataset reread(List<DatasetRange> ranges, String useCase, String featureSet, int featureSetVersion,
            List<InputFeature> inputs, Instant cutoff) {
        // recorded ranges name their topic: read only this install's examples, whatever a record says
        String examples = names.topic(Topics.TRAINING_EXAMPLES);
        ranges.stream().filter(r -> !examples.equals(r.topic())).findFirst().ifPresent(r -> {
            throw new TrainingFailedException("a dataset range names " + r.topic() + ", not " + examples);
        });
        try (TopicScan scan = open()) {
            return read(scan, ranges, useCase, featureSet, featureSetVersion, inputs, cutoff, Map.of(),
                    example -> {
                    });
        }
    }

    private TopicScan open() {
        // earliest: a range whose start the retention has since deleted reads from what is left
        return TopicScan.open(clients, "training-service-dataset",
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
    }

    private Dataset read(TopicScan scan, List<DatasetRange> ranges, String useCase, String featureSet,
            int featureSetVersion, List<InputFeature> inputs, Instant cutoff, Map<Integer, Long> previousEnd,
            Consumer<TrainingExample> observer) {
        List<Example> rows = new ArrayList<>();
        Counts counts = new Counts();
        Consumer<ConsumerRecord<String, byte[]>> handler = record -> {
            TrainingExample example;
            try {
                example = codec.decode(record.value());
            } catch (EventDecodingException e) {
                counts.undecodable++;
                return;
            }
            if (!featureSet.equals(example.getFeatureSet()) || example.getFeatureSetVersion() != featureSetVersion
                    || (example.getUseCase() != null && !example.getUseCase().equals(useCase))) {
                counts.other++;
            } else if (!example.getEventTime().isBefore(cutoff)) {
                counts.late++;
            } else {
                rows.add(ExampleMapper.toExample(example, inputs));
                observer.accept(example);
                if (record.offset() >= previousEnd.getOrDefault(record.partition(), 0L)) {
                    counts.fresh++;
                }
            }
        };
        List<TopicScan.Range> scanned = ranges.stream().map(r -> new TopicScan.Range(
                new TopicPartition(r.topic(), r.partition()), r.fromOffset(), r.toOffset())).toList();
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!scan.read(scanned, () -> System.nanoTime() > deadline, handler, offsets -> { })) {
            throw new TrainingFailedException("reading " + Topics.TRAINING_EXAMPLES + " did not reach the end "
                    + "offsets " + ranges + " within " + timeout);
        }
        rows.sort(Comparator.comparing(Example::eventTime).thenComparing(Example::eventId));
        return new Dataset(featureSet, featureSetVersion, ranges, cutoff, rows, counts.other, counts.undecodable,
                counts.late, counts.fresh);
    }

    /** Records of the ranges that are not rows of the dataset, and the rows that are new since the last run. */
    private static final class Counts {
        long other;
        long undecodable;
        long late;
        long fresh;
    }
}

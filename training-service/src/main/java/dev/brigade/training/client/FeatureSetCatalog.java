package dev.brigade.training.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.brigade.events.DataExpectations;
import dev.brigade.events.FeatureExpectation;
import dev.brigade.events.FeatureSetRegistered;
import dev.brigade.events.FeatureSpec;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.training.DataContract;
import dev.brigade.training.InputFeature;
import dev.brigade.training.InputType;
import dev.brigade.training.service.TrainingFailedException;

/**
 * Looks a feature-set version up in the feature-sets topic (the catalogue's system of record, compacted, key
 * {@code name@version}; the first record of a version wins, as in the feature-service). Its features, in file
 * order, are the model's inputs in contract order.
 */
public class FeatureSetCatalog {

    private final String bootstrapServers;
    private final Duration timeout;
    private final EventCodec<FeatureSetRegistered> codec = EventCodec.of(FeatureSetRegistered.class);

    public FeatureSetCatalog(String bootstrapServers, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    /** A version as training needs it: the model's inputs in contract order and the data contract. */
    public record Definition(List<InputFeature> inputs, DataContract contract) {
    }

    /** @throws TrainingFailedException when the version is not registered or has an input the model cannot take */
    public List<InputFeature> inputs(String name, int version) {
        return definition(name, version).inputs();
    }

    /** @throws TrainingFailedException when the version is not registered or has an input the model cannot take */
    public Definition definition(String name, int version) {
        String key = name + "@" + version;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.FEATURE_SETS, timeout).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            List<TopicPartition> open = new ArrayList<>(partitions);
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (!key.equals(record.key())) {
                        continue;
                    }
                    try {
                        FeatureSetRegistered set = codec.decode(record.value());
                        return new Definition(toInputs(key, set), toContract(set));
                    } catch (EventDecodingException e) {
                        // A damaged record is not the version's definition; a later one may be. Its dead letter is
                        // the feature-service catalogue's (the owner of feature-sets.dlq).
                    }
                }
                open.removeIf(tp -> consumer.position(tp) >= end.get(tp));
            }
        } catch (KafkaException e) {
            throw new TrainingFailedException("cannot read " + Topics.FEATURE_SETS + ": " + e.getMessage(), e);
        }
        throw new TrainingFailedException("feature set " + key + " is not registered");
    }

    static DataContract toContract(FeatureSetRegistered set) {
        Map<String, String> types = new LinkedHashMap<>();
        for (FeatureSpec spec : set.getFeatures()) {
            types.put(spec.getName(), spec.getValueType().name());
        }
        DataExpectations e = set.getExpectations();
        if (e == null) {
            return new DataContract(types, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
        }
        List<DataContract.FeatureExpectation> features = new ArrayList<>();
        for (FeatureExpectation f : e.getFeatures()) {
            features.add(new DataContract.FeatureExpectation(f.getFeature(), Optional.ofNullable(f.getMin()),
                    Optional.ofNullable(f.getMax()),
                    f.getCategories() == null ? List.of()
                            : f.getCategories().stream().map(CharSequence::toString).toList(),
                    Optional.ofNullable(f.getMaxMissingRate())));
        }
        return new DataContract(types, features, Optional.ofNullable(e.getPositiveShareMin()),
                Optional.ofNullable(e.getPositiveShareMax()),
                Optional.ofNullable(e.getFreshnessMillis()).map(Duration::ofMillis));
    }

    static List<InputFeature> toInputs(String key, FeatureSetRegistered set) {
        List<InputFeature> inputs = new ArrayList<>();
        for (FeatureSpec spec : set.getFeatures()) {
            InputType type = switch (spec.getValueType()) {
                case DOUBLE -> InputType.DOUBLE;
                case LONG -> InputType.LONG;
                case BOOLEAN -> InputType.BOOLEAN;
                default -> throw new TrainingFailedException("feature " + spec.getName() + " of " + key + " is "
                        + spec.getValueType() + ": the model format takes numbers and booleans only");
            };
            inputs.add(new InputFeature(spec.getName(), type));
        }
        return inputs;
    }
}

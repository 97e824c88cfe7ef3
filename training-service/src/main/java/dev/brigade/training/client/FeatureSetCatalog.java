package dev.brigade.training.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.KafkaException;

import dev.brigade.events.DataExpectations;
import dev.brigade.events.FeatureSetRegistered;
import dev.brigade.events.FeatureSpec;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicScan;
import dev.brigade.platform.kafka.TopicNames;
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

    private final KafkaClients clients;
    private final TopicNames names;
    private final Duration timeout;
    private final EventCodec<FeatureSetRegistered> codec = EventCodec.of(FeatureSetRegistered.class);

    public FeatureSetCatalog(KafkaClients clients, TopicNames names, Duration timeout) {
        this.clients = clients;
        this.names = names;
        this.timeout = timeout;
    }

    /** A version as training needs it: the model's inputs in contract order and the data contract. */
    public record Definition(List<InputFeature> inputs, DataContract contract) {
    }

    /** @throws TrainingFailedException when the version is not registered or has an input the model cannot take */
    public Definition definition(String name, int version) {
        String key = name + "@" + version;
        AtomicReference<Definition> found = new AtomicReference<>();
        try {
            // A version not read within the timeout is as good as not registered: the run fails saying so
            TopicScan.readAll(clients, "training-service-feature-sets", names.topic(Topics.FEATURE_SETS), Map.of(),
                    timeout, record -> {
                        if (found.get() != null || !key.equals(record.key())) {
                            return;
                        }
                        try {
                            FeatureSetRegistered set = codec.decode(record.value());
                            found.set(new Definition(toInputs(key, set), toContract(set)));
                        } catch (EventDecodingException e) {
                            // A damaged record is not the version's definition; a later one may be. Its dead letter
                            // is the feature-service catalogue's (the owner of feature-sets.dlq).
                        }
                    });
        } catch (KafkaException e) {
            throw new TrainingFailedException("cannot read " + Topics.FEATURE_SETS + ": " + e.getMessage(), e);
        }
        if (found.get() == null) {
            throw new TrainingFailedException("feature set " + key + " is not registered");
        }
        return found.get();
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
        List<DataContract.FeatureExpectation> features = e.getFeatures().stream()
                .map(f -> new DataContract.FeatureExpectation(f.getFeature(), Optional.ofNullable(f.getMin()),
                        Optional.ofNullable(f.getMax()), f.getCategories() == null ? List.of()
                                : f.getCategories().stream().map(CharSequence::toString).toList(),
                        Optional.ofNullable(f.getMaxMissingRate())))
                .toList();
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

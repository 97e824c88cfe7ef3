package dev.brigade.feature.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jboss.logging.Logger;

import dev.brigade.events.FeatureSetRegistered;
import dev.brigade.events.FeatureSpec;
import dev.brigade.events.ValueType;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.feature.FeatureSetDefinition;
import dev.brigade.feature.RegisteredFeatureSet;
import dev.brigade.feature.mapping.EventMapper;
import dev.brigade.feature.mapping.FeatureSetParser;
import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.kafka.TopicNames;

/** Registers feature-set versions: validated, immutable, recorded on the feature-sets topic. */
@ApplicationScoped
public class FeatureSetService {

    private static final Logger LOG = Logger.getLogger(FeatureSetService.class);
    private static final EventCodec<FeatureSetRegistered> CODEC = EventCodec.of(FeatureSetRegistered.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);

    /** What a registration came to. */
    public sealed interface Outcome {
        record Created(RegisteredFeatureSet set) implements Outcome {
        }

        record Unchanged(RegisteredFeatureSet set) implements Outcome {
        }

        record Conflict(RegisteredFeatureSet existing) implements Outcome {
        }

        record Invalid(List<FieldError> errors) implements Outcome {
        }
    }

    private final FeatureSetCatalog catalog;
    private final KafkaProducer<String, byte[]> producer;
    private final Clock clock;
    private final TopicNames names;

    FeatureSetService(FeatureSetCatalog catalog, KafkaProducer<String, byte[]> producer, Clock clock,
            TopicNames names) {
        this.catalog = catalog;
        this.producer = producer;
        this.clock = clock;
        this.names = names;
    }

    /** One registration at a time per instance: check, write, then read back. */
    public synchronized Outcome register(String name, int version, String yaml, String registeredBy) {
        FeatureSetParser.Result parsed = FeatureSetParser.parse(yaml, name, version);
        if (!parsed.errors().isEmpty()) {
            return new Outcome.Invalid(parsed.errors());
        }
        FeatureSetDefinition definition = parsed.definition().orElseThrow();
        String sha256 = sha256(yaml);
        Optional<RegisteredFeatureSet> existing = catalog.get(name, version);
        if (existing.isPresent()) {
            return existing.get().sha256().equals(sha256) ? new Outcome.Unchanged(existing.get())
                    : new Outcome.Conflict(existing.get());
        }
        FeatureSetRegistered event = FeatureSetRegistered.newBuilder()
                .setName(name)
                .setVersion(version)
                .setDescription(definition.description().orElse(null))
                .setSource(definition.source().orElse(null))
                .setFeatures(definition.features().stream()
                        .map(f -> new FeatureSpec(f.name(), ValueType.valueOf(f.type().name()), null)).toList())
                .setDefinition(yaml)
                .setDefinitionSha256(sha256)
                .setRegisteredAt(clock.instant())
                .setRegisteredBy(registeredBy)
                .setExpectations(EventMapper.toExpectations(definition.contract()))
                .build();
        RecordMetadata written = write(definition.id(), CODEC.encode(event));
        if (!catalog.awaitApplied(written.offset(), WRITE_TIMEOUT)) {
            throw new IllegalStateException("feature set " + definition.id() + " written at offset "
                    + written.offset() + " but not read back within " + WRITE_TIMEOUT);
        }
        RegisteredFeatureSet registered = catalog.get(name, version).orElseThrow();
        if (!registered.sha256().equals(sha256)) {
            // Another instance registered different content a moment earlier: it won.
            return new Outcome.Conflict(registered);
        }
        LOG.infof("Registered feature set %s (sha256 %s)", definition.id(), sha256);
        return new Outcome.Created(registered);
    }

    private RecordMetadata write(String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(names.topic(Topics.FEATURE_SETS), key, value))
                    .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering " + key, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge the registration of " + key + ": " + e, e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

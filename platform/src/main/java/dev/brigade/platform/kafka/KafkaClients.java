package dev.brigade.platform.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;

/**
 * The one place a Kafka client is built. Every producer, consumer, admin client and Streams app of every station
 * starts from the same {@link KafkaSettings} (bootstrap servers plus every {@code kafka.*} client property:
 * security.protocol, sasl.*, ssl.*, client.rack...), so connecting to a secured cluster is configuration, not code.
 * A configured {@code kafka.client.id} is a prefix: each client is {@code <prefix>-<name>}. Producers are idempotent
 * with acks=all and consumers never auto-commit unless a caller says otherwise.
 */
public class KafkaClients {

    /** A client's metrics, bound until closed. */
    public interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    private static final Logger LOG = Logger.getLogger(KafkaClients.class);

    private final KafkaSettings settings;
    private final MeterRegistry meters;
    private final ScheduledExecutorService meterRefresh;
    private final Map<KafkaStreams, KafkaStreamsMetrics> streamsMetrics = new ConcurrentHashMap<>();
    private final AuthorizationFailures authorizationFailures = new AuthorizationFailures();

    /** Without metrics: for tools and tests. */
    public KafkaClients(KafkaSettings settings) {
        this(settings, null);
    }

    public KafkaClients(KafkaSettings settings, MeterRegistry meters) {
        this.settings = settings;
        this.meters = meters;
        this.meterRefresh = meters == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kafka-client-metrics");
            t.setDaemon(true);
            return t;
        });
    }

    public KafkaSettings settings() {
        return settings;
    }

    /** What the broker refused the clients built here; any refusal makes the station not ready. */
    public AuthorizationFailures authorizationFailures() {
        return authorizationFailures;
    }

    /** The client id a client of this name gets: the name, under the configured prefix if there is one. */
    public String clientId(String name) {
        return settings.clientIdPrefix().map(prefix -> prefix + "-" + name).orElse(name);
    }

    public Map<String, Object> producerConfig(String name, Map<String, ?> overrides) {
        Map<String, Object> props = common(name);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putAll(overrides);
        return props;
    }

    public Map<String, Object> consumerConfig(String name, Map<String, ?> overrides) {
        Map<String, Object> props = common(name);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putAll(overrides);
        return props;
    }

    public Map<String, Object> adminConfig(String name, Map<String, ?> overrides) {
        Map<String, Object> props = common(name);
        props.putAll(overrides);
        return props;
    }

    /** Streams properties: the client properties, the application id and the caller's settings on top. */
    public Properties streamsConfig(String applicationId, Map<String, ?> overrides) {
        Properties props = new Properties();
        props.putAll(settings.clientProperties());
        settings.clientIdPrefix().ifPresent(prefix -> props.put(StreamsConfig.CLIENT_ID_CONFIG,
                prefix + "-" + applicationId));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.putAll(overrides);
        return props;
    }

    public KafkaProducer<String, byte[]> producer(String name, Map<String, ?> overrides) {
        return new KafkaProducer<>(producerConfig(name, overrides), new StringSerializer(), new ByteArraySerializer());
    }

    public KafkaConsumer<String, byte[]> consumer(String name, Map<String, ?> overrides) {
        return new KafkaConsumer<>(consumerConfig(name, overrides), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    public Admin admin(String name, Map<String, ?> overrides) {
        return Admin.create(adminConfig(name, overrides));
    }

    /**
     * A Streams app with its metrics bound; a stream thread that fails on a bug in one record is logged and
     * replaced, so the station carries on (the task restarts from its last commit).
     */
    public KafkaStreams streams(String applicationId, Topology topology, Map<String, ?> overrides) {
        KafkaStreams streams = new KafkaStreams(topology, streamsConfig(applicationId, overrides));
        streams.setUncaughtExceptionHandler(e -> {
            AuthorizationException refused = AuthorizationFailures.find(e);
            if (refused != null) {
                // a replaced thread would be refused again at once: stop the app and stay not ready until fixed
                authorizationFailures.refused(applicationId, refused);
                LOG.errorf("Streams app %s: the broker refused it (%s); stopping the app, the station is not ready "
                        + "until its ACLs are fixed and it restarts", applicationId, refused.getMessage());
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.errorf(e, "Streams app %s: stream thread failed, replacing it", applicationId);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        if (meters != null) {
            KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams, List.of(Tag.of("app", applicationId)),
                    meterRefresh);
            metrics.bindTo(meters);
            streamsMetrics.put(streams, metrics);
        }
        return streams;
    }

    /** Closes an app built by {@link #streams} and unbinds its metrics, so a new app of the same id starts clean. */
    public boolean close(KafkaStreams streams, KafkaStreams.CloseOptions options) {
        boolean closed = streams.close(options);
        KafkaStreamsMetrics metrics = streamsMetrics.remove(streams);
        if (metrics != null) {
            metrics.close();
        }
        return closed;
    }

    /** Binds a long-lived producer's metrics (close the answer with the producer). */
    public Binding meter(Producer<?, ?> producer) {
        return meters == null ? () -> { } : bind(new KafkaClientMetrics(producer, List.of(), meterRefresh));
    }

    /** Binds a long-lived consumer's metrics, its lag among them (close the answer with the consumer). */
    public Binding meter(Consumer<?, ?> consumer) {
        return meters == null ? () -> { } : bind(new KafkaClientMetrics(consumer, List.of(), meterRefresh));
    }

    private Binding bind(KafkaClientMetrics metrics) {
        metrics.bindTo(meters);
        return metrics::close;
    }

    private Map<String, Object> common(String name) {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId(name));
        return props;
    }
}

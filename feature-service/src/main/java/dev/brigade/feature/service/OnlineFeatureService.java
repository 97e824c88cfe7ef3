package dev.brigade.feature.service;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import dev.brigade.feature.EntityHistory;
import dev.brigade.feature.HistoryLayout;
import dev.brigade.feature.OnlineFeatures;
import dev.brigade.feature.RegisteredFeatureSet;
import dev.brigade.feature.config.FeatureServiceConfig;
import dev.brigade.feature.streams.FeatureSetTopology;
import dev.brigade.feature.streams.FeatureStreams;
import dev.brigade.feature.streams.HistoryStore;

/**
 * Online features: the entity's history from the version app's state store, through {@link FeatureComputer}, as of
 * now (or a given instant). A key owned by another instance is fetched from that instance.
 */
@ApplicationScoped
public class OnlineFeatureService {

    /** Marks a request already routed once, so two instances with different views never bounce it around. */
    public static final String ROUTED_HEADER = "X-Brigade-Routed";

    /** Why a look-up could not be answered. */
    public static final class LookupException extends RuntimeException {
        private final int status;

        public LookupException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** A look-up owned by another instance, answered there. */
    public record Remote(String host, int status, String body) {
    }

    @Inject
    FeatureSetCatalog catalog;

    @Inject
    FeatureStreams streams;

    @Inject
    FeatureServiceConfig config;

    @Inject
    Clock clock;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The registered version asked for, or the newest one. */
    public RegisteredFeatureSet resolve(String name, Optional<Integer> version) {
        return (version.isPresent() ? catalog.get(name, version.get()) : catalog.latest(name))
                .orElseThrow(() -> new LookupException(404, "no feature set " + name
                        + version.map(v -> " version " + v).orElse("")));
    }

    /**
     * Where a key lives: the instance whose app holds its partition ({@link Placement#here()} when this one does) and
     * the partition, so a look-up here reads that partition's store alone.
     */
    public record Placement(HostInfo owner, int partition, boolean here) {
    }

    /** Where the key lives, or a 503 while the app's group is rebalancing. */
    public Placement place(RegisteredFeatureSet set, String entityId) {
        KafkaStreams app = app(set);
        KeyQueryMetadata metadata = app.queryMetadataForKey(FeatureSetTopology.HISTORY_STORE, entityId,
                Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new LookupException(503, "feature set " + set.definition().id() + " is rebalancing; retry");
        }
        HostInfo active = metadata.activeHost();
        String self = streams.applicationServer();
        return new Placement(active, metadata.partition(), (active.host() + ":" + active.port()).equals(self));
    }

    /**
     * The entity's features from the store of its partition here. Only that partition's store is read: the whole
     * store would be one RocksDB iterator and seek per partition for a key that lives in one of them, most of a
     * look-up's time. A partition not held here (a routed look-up that arrived during a rebalance) is a 503 retry.
     */
    public OnlineFeatures computeHere(RegisteredFeatureSet set, String entityId, int partition, Optional<Instant> asOf,
            Map<String, Object> attributes) {
        EntityHistory history;
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = app(set).store(StoreQueryParameters.fromNameAndType(
                    FeatureSetTopology.HISTORY_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore())
                    .withPartition(partition));
            // The read itself can meet a rebalance too (the thread is PARTITIONS_ASSIGNED): the same 503, not a 500
            history = HistoryStore.read(store, entityId, HistoryLayout.of(set.definition()));
        } catch (InvalidStateStoreException e) {
            throw new LookupException(503, "feature set " + set.definition().id() + " is not queryable yet ("
                    + e.getMessage() + "); retry");
        }
        Instant at = asOf.orElseGet(clock::instant);
        return new OnlineFeatures(set.definition().name(), set.definition().version(), entityId, at,
                FeatureComputer.compute(set.definition(), history, at, attributes),
                streams.applicationServer());
    }

    /**
     * Forwards the same request to the instance that owns the key, without waiting (the caller is on an event loop;
     * a batch asks every owner at once). The future fails with the I/O error, a timeout included, when the owner
     * does not answer within the look-up budget.
     */
    public CompletableFuture<Remote> forwardAsync(HostInfo owner, String method, String path,
            Map<String, String> query, String body) {
        return http.sendAsync(request(owner, method, path, query, body), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Remote(owner.host() + ":" + owner.port(), r.statusCode(), r.body()));
    }

    private HttpRequest request(HostInfo owner, String method, String path, Map<String, String> query,
            String body) {
        StringBuilder uri = new StringBuilder("http://").append(owner.host()).append(':').append(owner.port())
                .append(path);
        String separator = "?";
        for (Map.Entry<String, String> q : query.entrySet()) {
            uri.append(separator).append(q.getKey()).append('=')
                    .append(URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8));
            separator = "&";
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri.toString()))
                .timeout(config.lookup().remoteTimeout())
                .header(ROUTED_HEADER, streams.applicationServer())
                .header("Content-Type", "application/json");
        request = body == null ? request.GET() : request.method(method, HttpRequest.BodyPublishers.ofString(body));
        return request.build();
    }

    private KafkaStreams app(RegisteredFeatureSet set) {
        return streams.version(set.definition().id()).map(FeatureStreams.VersionApp::streams)
                .orElseThrow(() -> new LookupException(503, "feature set " + set.definition().id()
                        + " is registered but its app is not running here yet; retry"));
    }
}

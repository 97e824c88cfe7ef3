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

import org.apache.kafka.streams.state.HostInfo;

import dev.brigade.feature.EntityHistory;
import dev.brigade.feature.OnlineFeatures;
import dev.brigade.feature.RegisteredFeatureSet;
import dev.brigade.feature.config.FeatureServiceConfig;
import dev.brigade.platform.http.ProblemException;

/**
 * Online features: the entity's history from the version app's state store, through {@link FeatureComputer}, as of
 * now (or a given instant). A key owned by another instance is fetched from that instance.
 */
@ApplicationScoped
public class OnlineFeatureService {

    /** Marks a request already routed once, so two instances with different views never bounce it around. */
    public static final String ROUTED_HEADER = "X-Brigade-Routed";

    /** Why a look-up could not be answered. */
    public static final class LookupException extends ProblemException {

        public LookupException(int status, String message) {
            super(status, switch (status) {
                case 404 -> "not-found";
                case 503 -> "unavailable";
                default -> "lookup-failed";
            }, message);
        }
    }

    /** A look-up owned by another instance, answered there. */
    public record Remote(String host, int status, String body) {
    }

    private final FeatureSetCatalog catalog;
    private final StationApps apps;
    private final FeatureServiceConfig config;
    private final Clock clock;

    OnlineFeatureService(FeatureSetCatalog catalog, StationApps apps, FeatureServiceConfig config, Clock clock) {
        this.catalog = catalog;
        this.apps = apps;
        this.config = config;
        this.clock = clock;
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The registered version asked for, or the newest one. */
    public RegisteredFeatureSet resolve(String name, Optional<Integer> version) {
        return (version.isPresent() ? catalog.get(name, version.get()) : catalog.latest(name))
                .orElseThrow(() -> new LookupException(404, "no feature set " + name
                        + version.map(v -> " version " + v).orElse("")));
    }

    /** Where the key lives, or a 503 while the app's group is rebalancing. */
    public StationApps.Placement place(RegisteredFeatureSet set, String entityId) {
        return apps.place(set.definition(), entityId);
    }

    /**
     * The entity's features from the store of its partition here. A partition not held here (a routed look-up that
     * arrived during a rebalance) is a 503 retry.
     */
    public OnlineFeatures computeHere(RegisteredFeatureSet set, String entityId, int partition, Optional<Instant> asOf,
            Map<String, Object> attributes) {
        EntityHistory history = apps.history(set.definition(), entityId, partition);
        Instant at = asOf.orElseGet(clock::instant);
        return new OnlineFeatures(set.definition().name(), set.definition().version(), entityId, at,
                FeatureComputer.compute(set.definition(), history, at, attributes), apps.applicationServer());
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
                .header(ROUTED_HEADER, apps.applicationServer())
                .header("Content-Type", "application/json");
        request = body == null ? request.GET() : request.method(method, HttpRequest.BodyPublishers.ofString(body));
        return request.build();
    }
}

package dev.brigade.monitor.client;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;

import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.jboss.resteasy.reactive.RestResponse;

import dev.brigade.monitor.config.MonitorConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;

/**
 * Calls to the other instances of this station, one REST client per instance (host:port from its Streams metadata),
 * with the short {@code brigade.monitor.routing.timeout} as connect and read timeout. A call that fails (refused,
 * reset, timed out) is tried once more after 100 ms: an owner that just restarted answers the second time. Every
 * status is an answer the caller judges; only no answer throws.
 */
@ApplicationScoped
public class Peers {

    /** What the other instance answered, as it came. */
    public record Answer(String instance, int status, String contentType, String body, String retryAfter) {
    }

    private final MonitorConfig config;
    private final Map<HostInfo, MonitorPeers> clients = new ConcurrentHashMap<>();

    Peers(MonitorConfig config) {
        this.config = config;
    }

    @Retry(maxRetries = 1, delay = 100)
    public Answer ask(HostInfo instance, Function<MonitorPeers, RestResponse<String>> call) {
        RestResponse<String> r = call.apply(clients.computeIfAbsent(instance, this::client));
        return new Answer(instance.host() + ":" + instance.port(), r.getStatus(),
                r.getHeaderString(HttpHeaders.CONTENT_TYPE), r.getEntity(), r.getHeaderString(HttpHeaders.RETRY_AFTER));
    }

    private MonitorPeers client(HostInfo instance) {
        long timeout = config.routing().timeout().toMillis();
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create("http://" + instance.host() + ":" + instance.port()))
                .connectTimeout(timeout, TimeUnit.MILLISECONDS).readTimeout(timeout, TimeUnit.MILLISECONDS)
                // a 404 or 503 of the owner is its answer, relayed as it is
                .property("microprofile.rest.client.disable.default.mapper", true)
                .build(MonitorPeers.class);
    }
}

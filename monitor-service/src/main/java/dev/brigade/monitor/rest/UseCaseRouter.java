package dev.brigade.monitor.rest;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.streams.state.HostInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.brigade.monitor.client.MonitorPeers;
import dev.brigade.monitor.client.Peers;
import dev.brigade.monitor.config.MonitorConfig;
import dev.brigade.monitor.service.OwnerUnavailable;
import dev.brigade.monitor.service.UseCaseRouting;
import dev.brigade.monitor.streams.MonitorStreams;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

/**
 * Routes the reads of a use case to the instance that owns it: answered here, forwarded once to the owner (its
 * answer relayed as it came), or a 503 with Retry-After while a rebalance leaves the owner unknown. A rebalance
 * usually settles in moments, so an unknown owner is asked again for up to {@code routing.settle} first.
 */
@ApplicationScoped
public class UseCaseRouter {

    private static final Logger LOG = Logger.getLogger(UseCaseRouter.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final MonitorStreams streams;
    private final Peers peers;
    private final MonitorConfig config;
    private final MeterRegistry meters;

    UseCaseRouter(MonitorStreams streams, Peers peers, MonitorConfig config, MeterRegistry meters) {
        this.streams = streams;
        this.peers = peers;
        this.config = config;
        this.meters = meters;
    }

    /**
     * Empty when the use case is answered here; else the owner's answer.
     *
     * @param routedBy the {@link MonitorPeers#ROUTED_HEADER} of the request (null when a client asked)
     * @throws OwnerUnavailable while the owner is unknown, or when it does not answer
     */
    public <T> Optional<RestResponse<T>> elsewhere(String useCase, String routedBy,
            Function<MonitorPeers, RestResponse<String>> call) {
        UseCaseRouting.Decision<HostInfo> d = settled(
                () -> UseCaseRouting.decide(streams.owner(useCase), routedBy != null),
                x -> x.kind() == UseCaseRouting.Kind.UNAVAILABLE);
        switch (d.kind()) {
            case LOCAL -> {
                count("here");
                return Optional.empty();
            }
            case UNAVAILABLE -> {
                count("unavailable");
                throw new OwnerUnavailable(d.owner() == null ? d.reason()
                        : d.reason().replace(String.valueOf(d.owner()), d.owner().host() + ":" + d.owner().port()));
            }
            default -> {
                count("forwarded");
                return Optional.of(relay(ask(d.owner(), call)));
            }
        }
    }

    /** The other instance's answer, whatever its status; no answer is a 503. */
    public Peers.Answer ask(HostInfo owner, Function<MonitorPeers, RestResponse<String>> call) {
        try {
            return peers.ask(owner, call);
        } catch (RuntimeException e) {
            LOG.debugf("Instance %s:%d did not answer: %s", owner.host(), owner.port(), e);
            throw new OwnerUnavailable("instance " + owner.host() + ":" + owner.port() + " did not answer ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }

    /** Every other instance of the app, waiting up to routing.settle while the app is not RUNNING here. */
    public List<HostInfo> otherInstances() {
        List<HostInfo> others = settled(() -> {
            try {
                return streams.otherInstances();
            } catch (OwnerUnavailable e) {
                return null;
            }
        }, java.util.Objects::isNull);
        if (others == null) {
            count("unavailable");
            return streams.otherInstances(); // throws the 503 with its reason
        }
        return others;
    }

    /** The calls' routed header: who forwarded. */
    public String self() {
        return streams.applicationServer();
    }

    /** Polls {@code decide} while it stays {@code unsettled}, for at most routing.settle. */
    <D> D settled(Supplier<D> decide, java.util.function.Predicate<D> unsettled) {
        long deadline = System.nanoTime() + config.routing().settle().toNanos();
        D d = decide.get();
        while (unsettled.test(d) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return d;
            }
            d = decide.get();
        }
        return d;
    }

    void count(String answered) {
        meters.counter("brigade.monitor.reads", List.of(Tag.of("answered", answered))).increment();
    }

    /** The owner's answer as it came: status, body, content type, and its Retry-After when it had one. */
    @SuppressWarnings("unchecked")
    static <T> RestResponse<T> relay(Peers.Answer a) {
        RestResponse.ResponseBuilder<Object> answer = RestResponse.ResponseBuilder.<Object>create(a.status())
                .entity(a.body());
        if (a.contentType() != null) {
            answer.header(HttpHeaders.CONTENT_TYPE, a.contentType());
        }
        if (a.retryAfter() != null) {
            answer.header(HttpHeaders.RETRY_AFTER, a.retryAfter());
        }
        return (RestResponse<T>) (RestResponse<?>) answer.build();
    }

    /** The 503 of a read that cannot be answered now, with when to ask again. */
    @ServerExceptionMapper
    public Response unavailable(OwnerUnavailable e) {
        long seconds = Math.max(1, (config.routing().retryAfter().toMillis() + 999) / 1000);
        return Response.fromResponse(e.problem().response()).header(HttpHeaders.RETRY_AFTER, seconds).build();
    }
}

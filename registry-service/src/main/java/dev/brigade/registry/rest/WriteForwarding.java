package dev.brigade.registry.rest;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.platform.http.Problem;
import dev.brigade.registry.config.RegistryConfig;
import dev.brigade.registry.service.Leadership;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A standby's writes go to the active instance: before any REST or security handling (a route at order -1, after
 * platform's body limit), a write on /v1 is forwarded with its method, path, query, headers (Authorization
 * included: the active authenticates and authorises it) and body unchanged, streamed both ways, and the active's
 * answer is returned as it is, plus {@value StandbyWrites#FORWARDED_TO}. With standby-writes=redirect it answers 307
 * to the active instead (Vert.x-based clients follow a 307 only for GET and HEAD, hence forwarding by default).
 * With no active known, or the active not answering, the answer is a 503 problem with Retry-After.
 */
@Singleton
public class WriteForwarding {

    static final int ORDER = -1;
    private static final Logger LOG = Logger.getLogger(WriteForwarding.class);
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host");
    private static final String RETRY_AFTER_SECONDS = "2";

    private final Leadership leadership;
    private final RegistryConfig config;
    private final ObjectMapper json;
    private final Vertx vertx;
    private volatile HttpClient client;

    WriteForwarding(Leadership leadership, RegistryConfig config, ObjectMapper json, Vertx vertx) {
        this.leadership = leadership;
        this.config = config;
        this.json = json;
        this.vertx = vertx;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::route);
    }

    private void route(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        Leadership.View view = leadership.view();
        StandbyWrites.Decision decision = StandbyWrites.decide(request.method().name(), request.path(),
                request.uri(), view.active(), view.elsewhere(), request.getHeader(StandbyWrites.FORWARDED_BY) != null,
                config.leader().standbyWrites());
        switch (decision.kind()) {
            case LOCAL -> ctx.next();
            case REDIRECT -> {
                closeAfterUnreadBody(ctx);
                ctx.response().setStatusCode(307).putHeader(HttpHeaders.LOCATION, decision.target())
                        .putHeader(StandbyWrites.FORWARDED_TO, decision.target()).end();
            }
            case UNAVAILABLE -> unavailable(ctx, decision.why());
            case FORWARD -> forward(ctx, decision.target(), view.self().instanceId());
        }
    }

    private void forward(RoutingContext ctx, String target, String self) {
        HttpServerRequest in = ctx.request();
        // platform's BodyLimit may have read a chunked body already; otherwise stream it from the connection
        Buffer read = ctx.body() == null ? null : ctx.body().buffer();
        if (read == null) {
            in.pause();
        }
        long timeout = config.leader().forwardTimeout().toMillis();
        RequestOptions options = new RequestOptions().setMethod(in.method()).setAbsoluteURI(target)
                .setIdleTimeout(timeout);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        in.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(h.getKey(), h.getValue());
            }
        });
        headers.set(StandbyWrites.FORWARDED_BY, self);
        headers.add("X-Forwarded-For", String.valueOf(in.remoteAddress() == null ? "" : in.remoteAddress().host()));
        if (in.getHeader(HttpHeaders.HOST) != null) {
            headers.set("X-Forwarded-Host", in.getHeader(HttpHeaders.HOST));
        }
        options.setHeaders(headers);
        boolean chunked = "chunked".equalsIgnoreCase(in.getHeader(HttpHeaders.TRANSFER_ENCODING));
        boolean streamed = read == null && !in.isEnded() && (chunked || declaredLength(in) > 0);
        httpClient().request(options).compose(out -> {
            if (streamed && chunked) {
                out.setChunked(true);
            }
            Future<HttpClientResponse> answered = read != null ? out.send(read) : streamed ? out.send(in) : out.send();
            return answered;
        }).onSuccess(answer -> relay(ctx, answer, target)).onFailure(e -> {
            LOG.warnf("Write %s %s not forwarded to the active registry %s: %s", in.method(), in.uri(), target,
                    e.toString());
            if (ctx.response().headWritten()) {
                ctx.response().reset();
            } else {
                unavailable(ctx, "the active registry instance (" + target + ") did not answer (" + e.getMessage()
                        + "); retry: a takeover may be under way");
            }
        });
    }

    private void relay(RoutingContext ctx, HttpClientResponse answer, String target) {
        HttpServerResponse response = ctx.response();
        response.setStatusCode(answer.statusCode());
        response.setStatusMessage(answer.statusMessage());
        answer.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                response.headers().add(h.getKey(), h.getValue());
            }
        });
        response.putHeader(StandbyWrites.FORWARDED_TO, target);
        if (answer.getHeader(HttpHeaders.CONTENT_LENGTH) == null && answer.statusCode() != 204
                && answer.statusCode() != 304) {
            response.setChunked(true);
        }
        answer.pipeTo(response);
    }

    private void unavailable(RoutingContext ctx, String why) {
        Problem problem = Problem.of(503, "unavailable", "Registry unavailable", why, List.of())
                .at(ctx.request().path());
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a record of strings and an int always serializes
        }
        closeAfterUnreadBody(ctx);
        ctx.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader("Retry-After", RETRY_AFTER_SECONDS).end(Buffer.buffer(bytes));
    }

    private static long declaredLength(HttpServerRequest request) {
        try {
            String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            return length == null ? 0 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A body that is not read cannot leave the connection fit for another request: close it after the answer. */
    private static void closeAfterUnreadBody(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (!request.isEnded()) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            ctx.response().endHandler(v -> request.connection().close());
            request.resume();
        }
    }

    private HttpClient httpClient() {
        HttpClient current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(3_000)
                            .setKeepAlive(true).setMaxPoolSize(16));
                }
                current = client;
            }
        }
        return current;
    }
}

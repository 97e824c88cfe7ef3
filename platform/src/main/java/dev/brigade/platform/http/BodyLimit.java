package dev.brigade.platform.http;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A body over {@code quarkus.http.limits.max-body-size} is a 413 problem body naming the limit. Quarkus refuses such
 * a body below JAX-RS with an empty 413 (a route at order -2 for a Content-Length over the limit; the REST input
 * stream or the multipart parser for a chunked body), so no exception mapper sees it: this route runs first. A
 * chunked body (no Content-Length) is read here up to the limit and handed on as the routing context's body, which
 * Quarkus REST (and its multipart parser) reads instead of the connection. So a chunked body is held in memory, at
 * most the limit; a body with a Content-Length, as every Brigade client sends, streams as before.
 */
@Singleton
public class BodyLimit {

    static final int ORDER = -3;
    private static final long DRAIN_MS = 2_000;

    private final Optional<MemorySize> maxBodySize;
    private final ObjectMapper json;

    BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> maxBodySize,
            ObjectMapper json) {
        this.maxBodySize = maxBodySize;
        this.json = json;
    }

    void install(@Observes Router router) {
        maxBodySize.ifPresent(size -> router.route().order(ORDER).handler(ctx -> enforce(ctx, size.asLongValue())));
    }

    private void enforce(RoutingContext ctx, long limit) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                ctx.next(); // Netty refuses a malformed Content-Length itself
                return;
            }
            if (declared > limit) {
                refuse(ctx, limit, "Content-Length " + declared);
                return;
            }
            ctx.next();
            return;
        }
        if (!"chunked".equalsIgnoreCase(request.getHeader(HttpHeaders.TRANSFER_ENCODING)) || request.isEnded()) {
            ctx.next();
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        request.handler(chunk -> {
            if (refused[0]) {
                return; // drained: closing on unread bytes would reset the connection before the client reads the 413
            }
            if (body.length() + (long) chunk.length() > limit) {
                refused[0] = true;
                refuse(ctx, limit, "a chunked body");
                ctx.vertx().setTimer(DRAIN_MS, t -> request.connection().close());
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(end -> {
            if (refused[0]) {
                request.connection().close();
                return;
            }
            ctx.setBody(body);
            ctx.next();
        });
        request.resume();
    }

    private void refuse(RoutingContext ctx, long limit, String what) {
        String detail = "The request body is over this service's limit of " + limit
                + " bytes (quarkus.http.limits.max-body-size); " + what + " was refused";
        Problem problem = Problem.of(413, "body-too-large", detail,
                List.of(new FieldError("body", "larger than " + limit + " bytes"))).at(ctx.request().path());
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // a record of strings and an int always serializes
        }
        // The client may still be sending: tell it the connection ends with this answer
        ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close");
        if (ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH) != null) {
            // As Quarkus does: the declared body is not read, so the connection cannot carry another request
            ctx.response().endHandler(v -> ctx.request().connection().close());
        }
        ctx.response().end(Buffer.buffer(bytes));
    }
}

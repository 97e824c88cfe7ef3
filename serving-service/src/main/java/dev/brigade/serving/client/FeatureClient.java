package dev.brigade.serving.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

import dev.brigade.serving.LogRateLimit;
import dev.brigade.serving.config.ServingConfig;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Online features from the feature-service: {@code POST /v1/features/{set}/{entityId}?version=n} with the event's
 * attributes, so features that need the event (the amount, its ratio to the mean) are computed exactly as the offline
 * vectors were. Non-blocking (Vert.x HTTP client, keep-alive connection pool, callbacks on the caller's event loop)
 * and bounded by a per-request deadline: when it passes, the caller gets a TIMEOUT lookup at once.
 *
 * <p>A look-up already on the wire at its deadline is left to finish and its answer dropped: resetting it would close
 * the keep-alive connection, and under load every timeout would then cost a new TCP connection on both sides, which
 * makes the next look-ups slower still (a retry storm without retries). One that sends nothing back for
 * {@code brigade.serving.features.abandon-after} is closed, so a hung feature-service cannot hold the pool.
 */
@ApplicationScoped
public class FeatureClient {

    /** The statuses the feature-service serves under the contract (FeatureStatus); IMPUTED is serving's own. */
    static final Set<String> SERVED_STATUSES = Set.of("PRESENT", "DEFAULTED", "NO_HISTORY", "MISSING");
    private static final String MISSING = "MISSING";
    private static final Logger LOG = Logger.getLogger(FeatureClient.class);
    /** A feature-service that speaks a newer contract says so on every look-up: once a minute is enough. */
    private static final LogRateLimit UNKNOWN_STATUS_LOG = new LogRateLimit(Duration.ofMinutes(1));

    /** Doubles parsed and written by Jackson's fast (and exact) number code: look-ups carry many of them. */
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build());

    private final Vertx vertx;
    private final HttpClient client;
    private final String host;
    private final int port;
    private final String basePath;
    private final long abandonAfterMillis;
    private final boolean coalesce;
    private final int maxBatchItems;
    private final int maxBatchesInFlight;
    /** Each event loop's lanes, by feature-set version: a lane is only touched from its own event loop's thread. */
    private final FastThreadLocal<Map<LaneKey, Lane>> lanes = new FastThreadLocal<>() {
        @Override
        protected Map<LaneKey, Lane> initialValue() {
            return new HashMap<>();
        }
    };

    FeatureClient(Vertx vertx, ServingConfig config) {
        this.vertx = vertx;
        URI base = config.featuresUrl();
        this.host = base.getHost();
        boolean tls = "https".equalsIgnoreCase(base.getScheme());
        this.port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.abandonAfterMillis = config.features().abandonAfter().toMillis();
        this.coalesce = config.features().coalesce();
        this.maxBatchItems = Math.max(1, config.features().maxBatchItems());
        this.maxBatchesInFlight = Math.max(1, config.features().maxBatchesInFlight());
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(tls)
                .setKeepAlive(true)
                .setMaxPoolSize(config.features().poolSize())
                // Waiting for a pooled connection counts against the same deadline; a bounded queue keeps a dead
                // feature-service from piling up requests.
                .setMaxWaitQueueSize(config.features().poolSize() * 64)
                .setConnectTimeout((int) config.features().connectTimeout().toMillis())
                .setTcpNoDelay(true));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * @param timeoutMillis the feature look-up's share of the request's latency budget, what is left of it
     * @return completes within about timeoutMillis, never exceptionally
     */
    public CompletionStage<FeatureLookup> fetch(String featureSet, int version, String entityId,
            Map<String, Object> attributes, long timeoutMillis) {
        return fetch(featureSet, version, entityId, attributes, null, timeoutMillis);
    }

    /**
     * @param asOf features as of this time (the entity's events strictly before it), as the offline vector of an
     *        event at that time; null for now
     */
    public CompletionStage<FeatureLookup> fetch(String featureSet, int version, String entityId,
            Map<String, Object> attributes, java.time.Instant asOf, long timeoutMillis) {
        long start = System.nanoTime();
        if (timeoutMillis < 1) {
            return CompletableFuture.completedFuture(FeatureLookup.failed(FeatureLookup.Outcome.TIMEOUT, 0,
                    "no budget left for the feature look-up"));
        }
        if (coalesce && Context.isOnEventLoopThread() && Vertx.currentContext() != null) {
            CompletableFuture<FeatureLookup> result = new CompletableFuture<>();
            Pending pending = new Pending(entityId, attributes, asOf, start, result);
            Lane lane = lanes.get().computeIfAbsent(new LaneKey(featureSet, version), Lane::new);
            pending.timer = vertx.setTimer(timeoutMillis, id -> {
                result.complete(FeatureLookup.failed(FeatureLookup.Outcome.TIMEOUT, System.nanoTime() - start,
                        "no answer within " + timeoutMillis + " ms"));
                lane.timedOut(pending);
            });
            lane.add(pending);
            return result;
        }
        byte[] body;
        try {
            body = body(attributes, asOf);
        } catch (Exception e) {
            return CompletableFuture.completedFuture(FeatureLookup.failed(FeatureLookup.Outcome.ERROR, 0,
                    "cannot write the look-up: " + e.getMessage()));
        }
        String uri = basePath + "/v1/features/" + segment(featureSet) + "/" + segment(entityId) + "?version="
                + version;
        CompletableFuture<FeatureLookup> result = new CompletableFuture<>();
        long timer = vertx.setTimer(timeoutMillis, id -> result.complete(FeatureLookup.failed(
                FeatureLookup.Outcome.TIMEOUT, System.nanoTime() - start, "no answer within " + timeoutMillis
                        + " ms")));
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
                .setURI(uri).setIdleTimeout(abandonAfterMillis).putHeader("Content-Type", "application/json")
                .putHeader("Accept", "application/json");
        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                vertx.cancelTimer(timer);
                result.complete(FeatureLookup.failed(FeatureLookup.Outcome.UNAVAILABLE, System.nanoTime() - start,
                        String.valueOf(connected.cause())));
                return;
            }
            HttpClientRequest request = connected.result();
            // Failures after the deadline (e.g. the idle timeout of an abandoned look-up) have nobody to tell.
            request.exceptionHandler(ignored -> {
            });
            if (result.isDone()) {
                // The deadline passed while this waited for a connection: nothing is on the wire yet, so giving the
                // request back is free and the connection stays open.
                request.reset();
                return;
            }
            request.send(Buffer.buffer(body))
                    .compose(response -> response.body().map(b -> parse(response.statusCode(), b, start)))
                    .onComplete(answered -> {
                        vertx.cancelTimer(timer);
                        result.complete(answered.succeeded() ? answered.result()
                                : FeatureLookup.failed(FeatureLookup.Outcome.UNAVAILABLE, System.nanoTime() - start,
                                        String.valueOf(answered.cause())));
                    });
        });
        return result;
    }

    private record LaneKey(String featureSet, int version) {
    }

    /** One look-up waiting in a lane or on the wire in a batch; its own deadline timer runs meanwhile. */
    private static final class Pending {
        final String entityId;
        final Map<String, Object> attributes;
        final java.time.Instant asOf;
        final long start;
        final CompletableFuture<FeatureLookup> result;
        long timer;
        /** The call it went out in; null while it waits. */
        Call call;

        Pending(String entityId, Map<String, Object> attributes, java.time.Instant asOf, long start,
                CompletableFuture<FeatureLookup> result) {
            this.entityId = entityId;
            this.attributes = attributes;
            this.asOf = asOf;
            this.start = start;
            this.result = result;
        }
    }

    /**
     * The look-ups of one feature-set version on one event loop. The first look-up of a turn schedules a flush at
     * the end of the turn, so everything asked meanwhile (the requests read from all connections in that turn) goes
     * in one call; with {@code maxBatchesInFlight} calls on the wire, look-ups wait for an answer and go out together
     * with it. So a quiet service sends each look-up at once, and a busy one sends fewer, larger calls instead of
     * queueing connections: the HTTP exchange, the costliest part of a score, is paid once per batch.
     */
    private final class Lane {
        private final String uri;
        private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        private int inFlight;
        private boolean flushScheduled;

        Lane(LaneKey key) {
            this.uri = basePath + "/v1/features/" + segment(key.featureSet()) + "?version=" + key.version();
        }

        void add(Pending pending) {
            waiting.add(pending);
            if (!flushScheduled && inFlight < maxBatchesInFlight) {
                flushScheduled = true;
                Vertx.currentContext().runOnContext(ignored -> {
                    flushScheduled = false;
                    flush();
                });
            }
        }

        private void flush() {
            while (inFlight < maxBatchesInFlight && !waiting.isEmpty()) {
                List<Pending> batch = new ArrayList<>(Math.min(waiting.size(), maxBatchItems));
                while (batch.size() < maxBatchItems && !waiting.isEmpty()) {
                    Pending next = waiting.poll();
                    if (!next.result.isDone()) { // not timed out while it waited
                        batch.add(next);
                    }
                }
                if (!batch.isEmpty()) {
                    send(batch);
                }
            }
        }

        private void send(List<Pending> batch) {
            byte[] body;
            try {
                body = batchBody(batch);
            } catch (Exception e) {
                complete(batch, null, "cannot write the look-up: " + e.getMessage(), FeatureLookup.Outcome.ERROR);
                return;
            }
            inFlight++;
            Call call = new Call(batch);
            for (Pending p : batch) {
                p.call = call;
            }
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
                    .setURI(uri).setIdleTimeout(abandonAfterMillis).putHeader("Content-Type", "application/json")
                    .putHeader("Accept", "application/json");
            client.request(options).onComplete(connected -> {
                if (connected.failed()) {
                    answered(call, null, String.valueOf(connected.cause()), FeatureLookup.Outcome.UNAVAILABLE);
                    return;
                }
                HttpClientRequest request = connected.result();
                request.exceptionHandler(ignored -> {
                });
                if (batch.stream().allMatch(p -> p.result.isDone())) {
                    // Every deadline passed while this waited for a connection: nothing is on the wire yet.
                    request.reset();
                    answered(call, null, null, null);
                    return;
                }
                request.send(Buffer.buffer(body))
                        .compose(response -> response.body().map(b -> new BatchAnswer(response.statusCode(), b)))
                        .onComplete(answer -> {
                            if (answer.failed()) {
                                answered(call, null, String.valueOf(answer.cause()),
                                        FeatureLookup.Outcome.UNAVAILABLE);
                            } else {
                                answered(call, answer.result(), null, null);
                            }
                        });
            });
        }

        /** A batch came back (or could not go): its look-ups complete, and what waited meanwhile goes out. */
        private void answered(Call call, BatchAnswer answer, String failure, FeatureLookup.Outcome outcome) {
            release(call);
            complete(call.items, answer, failure, outcome);
            flush();
        }

        /**
         * A look-up passed its deadline. When that was the last one its call was still answering for, the call (left
         * to finish on its connection) no longer holds the lane: one slow call, say the feature-service pausing for
         * a second, must not make the look-ups behind it miss their own deadlines too.
         */
        void timedOut(Pending pending) {
            Call call = pending.call;
            if (call != null && !call.released && call.allDone()) {
                release(call);
                flush();
            }
        }

        private void release(Call call) {
            if (!call.released) {
                call.released = true;
                inFlight--;
            }
        }
    }

    private record BatchAnswer(int status, Buffer body) {
    }

    /** One batch call on the wire; it stops holding a lane's slot once its answer came or all its look-ups gave up. */
    private static final class Call {
        final List<Pending> items;
        boolean released;

        Call(List<Pending> items) {
            this.items = items;
        }

        boolean allDone() {
            for (Pending p : items) {
                if (!p.result.isDone()) {
                    return false;
                }
            }
            return true;
        }
    }

    private void complete(List<Pending> batch, BatchAnswer answer, String failure, FeatureLookup.Outcome outcome) {
        List<Map<String, FeatureLookup.Value>> results = null;
        if (answer != null) {
            if (answer.status() != 200) {
                String text = answer.body().length() > 300 ? answer.body().getString(0, 300)
                        : answer.body().toString();
                outcome = answer.status() >= 500 ? FeatureLookup.Outcome.UNAVAILABLE : FeatureLookup.Outcome.ERROR;
                failure = "feature-service answered " + answer.status() + ": " + text;
            } else {
                try {
                    results = batchFeatures(answer.body().getBytes());
                    if (results.size() != batch.size()) {
                        outcome = FeatureLookup.Outcome.ERROR;
                        failure = "unreadable answer: " + results.size() + " results for " + batch.size()
                                + " look-ups";
                        results = null;
                    }
                } catch (Exception e) {
                    outcome = FeatureLookup.Outcome.ERROR;
                    failure = "unreadable answer: " + e.getMessage();
                }
            }
        }
        long now = System.nanoTime();
        for (int i = 0; i < batch.size(); i++) {
            Pending pending = batch.get(i);
            if (pending.result.isDone()) {
                continue;
            }
            vertx.cancelTimer(pending.timer);
            pending.result.complete(results != null
                    ? new FeatureLookup(FeatureLookup.Outcome.OK, results.get(i), now - pending.start, null)
                    : FeatureLookup.failed(outcome, now - pending.start, failure));
        }
    }

    /** {@code {"lookups": [{"entityId", "attributes", "asOf"}, ...]}}, in the batch's order. */
    private static byte[] batchBody(List<Pending> batch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 96 * batch.size());
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("lookups");
            for (Pending p : batch) {
                g.writeStartObject();
                g.writeStringField("entityId", p.entityId);
                writeAttributes(g, p.attributes);
                if (p.asOf != null) {
                    g.writeStringField("asOf", p.asOf.toString());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** The {@code features} of each element of a batch answer's {@code results}, in order. */
    static List<Map<String, FeatureLookup.Value>> batchFeatures(byte[] answer) throws IOException {
        List<Map<String, FeatureLookup.Value>> results = new ArrayList<>();
        try (JsonParser p = JSON.getFactory().createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                if (!"results".equals(field) || token != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    results.add(readLookup(p));
                }
            }
        }
        return results;
    }

    private static FeatureLookup parse(int status, Buffer body, long start) {
        long nanos = System.nanoTime() - start;
        if (status != 200) {
            String text = body.length() > 300 ? body.getString(0, 300) : body.toString();
            return FeatureLookup.failed(status >= 500 ? FeatureLookup.Outcome.UNAVAILABLE : FeatureLookup.Outcome.ERROR,
                    nanos, "feature-service answered " + status + ": " + text);
        }
        try {
            return new FeatureLookup(FeatureLookup.Outcome.OK, features(body.getBytes()), nanos, null);
        } catch (Exception e) {
            return FeatureLookup.failed(FeatureLookup.Outcome.ERROR, nanos, "unreadable answer: " + e.getMessage());
        }
    }

    /**
     * The look-up's body, {@code {"attributes": {...}, "asOf": "..."}}, written with a generator: attributes are the
     * scalars RequestParser lets through (null, boolean, long, double, string).
     */
    static byte[] body(Map<String, Object> attributes, java.time.Instant asOf) throws IOException {
        Map<String, Object> named = attributes == null ? Map.of() : attributes;
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + 32 * named.size());
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            writeAttributes(g, named);
            if (asOf != null) {
                g.writeStringField("asOf", asOf.toString());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void writeAttributes(JsonGenerator g, Map<String, Object> attributes) throws IOException {
        g.writeObjectFieldStart("attributes");
        if (attributes != null) {
            for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
                g.writeFieldName(attribute.getKey());
                Object value = attribute.getValue();
                if (value == null) {
                    g.writeNull();
                } else if (value instanceof Boolean b) {
                    g.writeBoolean(b);
                } else if (value instanceof Long l) {
                    g.writeNumber(l);
                } else if (value instanceof Double d) {
                    g.writeNumber(d);
                } else if (value instanceof String text) {
                    g.writeString(text);
                } else {
                    g.writeObject(value);
                }
            }
        }
        g.writeEndObject();
    }

    /**
     * The {@code features} of a look-up answer, read with a streaming parser (no tree): each feature's scalar
     * {@code value} and its {@code status} (PRESENT when absent); other fields are skipped. A status the contract does
     * not name (a newer feature-service) makes the feature MISSING, as an Avro reader maps an unknown FeatureStatus
     * symbol to its default: the model gets the request's attribute or the imputed value, flagged in the answer,
     * instead of a value whose meaning it was not trained on, and the prediction stays encodable for the log.
     */
    static Map<String, FeatureLookup.Value> features(byte[] answer) throws IOException {
        try (JsonParser p = JSON.getFactory().createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            return readLookup(p);
        }
    }

    /** One look-up answer's features; the parser is on its START_OBJECT and ends on its END_OBJECT. */
    private static Map<String, FeatureLookup.Value> readLookup(JsonParser p) throws IOException {
        Map<String, FeatureLookup.Value> values = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            if (!"features".equals(field) || token != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                Object value = null;
                String status = "PRESENT";
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    p.skipChildren();
                } else {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        JsonToken t = p.nextToken();
                        if ("value".equals(key)) {
                            value = scalar(p, t);
                        } else if ("status".equals(key) && t.isScalarValue() && t != JsonToken.VALUE_NULL) {
                            status = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                if (!SERVED_STATUSES.contains(status)) {
                    unknownStatus(name, status);
                    value = null;
                    status = MISSING;
                }
                values.put(name, new FeatureLookup.Value(value, status));
            }
        }
        return values;
    }

    private static void unknownStatus(String feature, String status) {
        if (UNKNOWN_STATUS_LOG.due()) {
            LOG.warnf("feature-service served status %s for feature %s, which the contract does not name: treated "
                    + "as MISSING (logged at most once a minute)", status, feature);
        }
    }

    /** A scalar as a Java value (Boolean, Long, Double, String); null for null and for containers. */
    private static Object scalar(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NUMBER_INT:
                JsonParser.NumberType type = p.getNumberType();
                return type == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getDoubleValue()
                        : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_STRING:
                return p.getText();
            case START_OBJECT:
            case START_ARRAY:
                p.skipChildren();
                return null;
            default:
                return null;
        }
    }

    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

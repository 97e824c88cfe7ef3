package dev.brigade.serving.client;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * Coalesces the look-ups of one event loop: those asked for the same feature-set version during one turn of the loop
 * go out as one {@code POST /v1/features/{set}?version=n}, answered in order. Each look-up keeps its own deadline
 * timer. Used only on an event loop's thread; a lane is only touched from its own loop.
 */
final class LookupCoalescer {

    private final Vertx vertx;
    private final FeatureClient transport;
    private final int maxBatchItems;
    private final int maxBatchesInFlight;
    /** Each event loop's lanes, by feature-set version. */
    private final FastThreadLocal<Map<LaneKey, Lane>> lanes = new FastThreadLocal<>() {
        @Override
        protected Map<LaneKey, Lane> initialValue() {
            return new HashMap<>();
        }
    };

    LookupCoalescer(Vertx vertx, FeatureClient transport, int maxBatchItems, int maxBatchesInFlight) {
        this.vertx = vertx;
        this.transport = transport;
        this.maxBatchItems = Math.max(1, maxBatchItems);
        this.maxBatchesInFlight = Math.max(1, maxBatchesInFlight);
    }

    /** Queues a look-up on the calling event loop's lane; completes by its deadline at the latest. */
    CompletableFuture<FeatureLookup> fetch(String featureSet, int version, String entityId,
            Map<String, Object> attributes, Instant asOf, long start, long timeoutMillis) {
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

    private record LaneKey(String featureSet, int version) {
    }

    /** One look-up waiting in a lane or on the wire in a batch; its own deadline timer runs meanwhile. */
    static final class Pending {
        final String entityId;
        final Map<String, Object> attributes;
        final Instant asOf;
        final long start;
        final CompletableFuture<FeatureLookup> result;
        long timer;
        /** The call it went out in; null while it waits. */
        Call call;

        Pending(String entityId, Map<String, Object> attributes, Instant asOf, long start,
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
            this.uri = transport.batchUri(key.featureSet(), key.version());
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
                body = FeatureWire.batchBody(batch);
            } catch (Exception e) {
                complete(batch, 0, null, "cannot write the look-up: " + e.getMessage(), FeatureLookup.Outcome.ERROR);
                return;
            }
            inFlight++;
            Call call = new Call(this, batch);
            for (Pending p : batch) {
                p.call = call;
            }
            transport.post(uri, body, call);
        }

        /** A batch came back (or could not go): its look-ups complete, and what waited meanwhile goes out. */
        void answered(Call call, int status, Buffer body, String failure) {
            release(call);
            complete(call.items, status, body, failure, FeatureLookup.Outcome.UNAVAILABLE);
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

    /** One batch call on the wire; it stops holding a lane's slot once its answer came or all its look-ups gave up. */
    private static final class Call implements FeatureClient.Exchange {
        final Lane lane;
        final List<Pending> items;
        boolean released;

        Call(Lane lane, List<Pending> items) {
            this.lane = lane;
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

        @Override
        public boolean wanted() {
            return !allDone(); // every deadline passed while this waited for a connection: nothing is on the wire yet
        }

        @Override
        public void answered(int status, Buffer body, Throwable failure) {
            lane.answered(this, status, body, failure == null ? null : String.valueOf(failure));
        }
    }

    /**
     * Completes the look-ups still waiting: with their features from a 200 answer of as many results, else as failed
     * ({@code failure} with {@code outcome} when there is no answer; nothing to say when no answer is expected).
     */
    private void complete(List<Pending> batch, int status, Buffer body, String failure,
            FeatureLookup.Outcome outcome) {
        List<Map<String, FeatureLookup.Value>> results = null;
        if (body != null) {
            if (status != 200) {
                outcome = FeatureWire.outcomeOf(status);
                failure = FeatureWire.refusal(status, body);
            } else {
                try {
                    results = FeatureWire.batchFeatures(body.getBytes());
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
}

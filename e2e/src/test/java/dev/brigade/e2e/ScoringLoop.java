package dev.brigade.e2e;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.simulator.CardFraudWorld;
import dev.brigade.simulator.SimEvent;

/**
 * A client scoring one card transaction after another, counting per phase of a fault suite: answered, failed (not
 * 2xx or no answer), degraded, over the budget the answer reports, and which versions answered.
 */
final class ScoringLoop extends Thread {

    static final int MAX_PHASES = 16;
    final Map<String, Integer> phaseOf = new ConcurrentHashMap<>();
    final AtomicLong[] answered = counters();
    final AtomicLong[] failed = counters();
    final AtomicLong[] degraded = counters();
    final AtomicLong[] overBudget = counters();
    final AtomicLong[] maxMicros = counters();
    @SuppressWarnings("unchecked")
    final List<Long>[] micros = new List[MAX_PHASES];
    @SuppressWarnings("unchecked")
    final Map<Integer, Integer>[] versions = new Map[MAX_PHASES];
    volatile long budgetMs;
    private volatile boolean running = true;
    private volatile boolean paused;
    private final CardFraudWorld world = new CardFraudWorld(99);
    private final String scoreUrl;
    private final IntSupplier phase;

    ScoringLoop(String servingUrl, String useCase, IntSupplier phase) {
        super("fault-suite-scoring");
        setDaemon(true);
        this.scoreUrl = servingUrl + "/v1/score/" + useCase;
        this.phase = phase;
        for (int i = 0; i < MAX_PHASES; i++) {
            versions[i] = new ConcurrentHashMap<>();
            micros[i] = java.util.Collections.synchronizedList(new ArrayList<>());
        }
    }

    /** One scoring call; null when it did not answer 2xx. */
    static JsonNode score(String scoreUrl, String eventId, SimEvent event) {
        Http.Answer answer = Http.postJson(scoreUrl,
                Map.of("eventId", eventId, "entityId", event.entityId(), "attributes", event.attributes()));
        return answer.status() / 100 == 2 ? answer.json() : null;
    }

    @Override
    public void run() {
        for (long n = 0; running; n++) {
            if (paused) {
                ServiceProcess.sleep(50);
                continue;
            }
            int p = phase.getAsInt();
            String eventId = "fault-score-" + n;
            JsonNode answer = score(scoreUrl, eventId, world.next(Instant.now()));
            if (answer == null) {
                failed[p].incrementAndGet();
                ServiceProcess.sleep(50);
                continue;
            }
            phaseOf.put(eventId, p);
            answered[p].incrementAndGet();
            if (answer.path("degraded").asBoolean()) {
                degraded[p].incrementAndGet();
            }
            long micros = answer.path("latency").path("totalMicros").asLong();
            budgetMs = answer.path("latency").path("budgetMs").asLong();
            maxMicros[p].accumulateAndGet(micros, Math::max);
            this.micros[p].add(micros);
            if (micros > budgetMs * 1000) {
                overBudget[p].incrementAndGet();
            }
            versions[p].merge(answer.path("model").path("version").asInt(), 1, Integer::sum);
            ServiceProcess.sleep(10);
        }
    }

    double p50Millis(int p) {
        List<Long> sorted;
        synchronized (micros[p]) {
            sorted = new ArrayList<>(micros[p]);
        }
        java.util.Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : Math.round(sorted.get(sorted.size() / 2) / 100.0) / 10.0;
    }

    void hold() {
        paused = true;
        ServiceProcess.sleep(300);
    }

    void release() {
        paused = false;
    }

    void close() throws InterruptedException {
        running = false;
        join(10_000);
    }

    private static AtomicLong[] counters() {
        AtomicLong[] counters = new AtomicLong[MAX_PHASES];
        for (int i = 0; i < MAX_PHASES; i++) {
            counters[i] = new AtomicLong();
        }
        return counters;
    }
}

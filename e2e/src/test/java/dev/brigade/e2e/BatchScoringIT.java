package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.broker.StationAcls;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.RawEvent;
import dev.brigade.events.ScoreProduced;
import dev.brigade.events.ScoringRequested;
import dev.brigade.events.serde.AvroEventSerializer;
import dev.brigade.events.topics.Topics;
import dev.brigade.simulator.CardFraudWorld;
import dev.brigade.simulator.SimEvent;

/**
 * Batch scoring across processes (issue 10): card-fraud with {@code serving.mode: batch}, the real feature-service
 * computing vectors from raw events, and the serving-service scoring the same events twice: once per ScoringRequested
 * (the online path's core, features looked up as of the event's time) and once in a batch job over the vectors the
 * feature-service computed. The same model version must give the same score both ways.
 *
 * <p>The model is registered over the registry's REST API as FaultSuiteIT does ({@link CardFraudModels}).
 */
class BatchScoringIT {

    private static final String USE_CASE = "card-fraud";
    private static final String SET = "card-activity";
    private static final int SET_VERSION = 1;
    private static final int EVENTS = 300;
    private static final int REQUESTS = 40;

    private static Platform platform;

    @BeforeAll
    static void startPlatform() {
        // No caller waits for a batch score: give the as-of look-up all the time a loaded host needs.
        platform = Platform.start("batch-scoring", List.of(Platform.REGISTRY, Platform.FEATURE, Platform.SERVING),
                Map.of("BRIGADE_SERVING_BATCH_LOOKUP_TIMEOUT", "30s"));
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void theSameVersionGivesTheSameScoreForAnEventOnlineAndInABatchJob() throws Exception {
        // Given card-fraud served in batch, with a champion
        String spec = Files.readString(Platform.repoRoot().resolve("use-cases/" + USE_CASE + ".yaml"))
                .replaceFirst("(?m)^  mode: online$", "  mode: batch")
                .replaceFirst("(?m)^  autoAdvance: true$", "  autoAdvance: false")
                .replaceFirst("(?m)^(  signals: ).*$", "$1[manual]");
        assertThat(spec).contains("mode: batch");
        Http.Answer registered = Http.put(registry() + "/v1/use-cases/" + USE_CASE, "application/yaml", spec, "rita",
                "rita-local");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        int v1 = models().register(CardFraudModels.artifact(1), models().metadata(null));
        models().promote(v1, List.of("shadow", "champion"));
        String serving = platform.url(Platform.SERVING);
        await("serving to load v1", Duration.ofMinutes(2), () -> {
            Http.Answer models = Http.get(serving + "/v1/models");
            return models.status() == 200 && models.body().contains("\"champion\":" + v1) ? models : null;
        });

        // And raw card transactions of the last minutes, from which the feature-service computes one vector each
        Instant t0 = Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.SECONDS);
        CardFraudWorld world = new CardFraudWorld(11, 25, 40);
        List<SimEvent> events = new ArrayList<>();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                new AvroEventSerializer<>())) {
            for (int i = 0; i < EVENTS; i++) {
                SimEvent e = world.next(t0.plusSeconds(2L * i));
                events.add(e);
                producer.send(new ProducerRecord<>(Topics.RAW_EVENTS, e.entityId(), RawEvent.newBuilder()
                        .setEventId(e.eventId()).setSource(e.source()).setEntityId(e.entityId())
                        .setEventTime(e.eventTime()).setAttributes(new HashMap<>(e.attributes())).build()));
            }
            producer.flush();
        }
        Set<String> ids = new java.util.HashSet<>();
        events.forEach(e -> ids.add(e.eventId()));
        await("a vector for every event", Duration.ofMinutes(4), () -> {
            Set<String> seen = new java.util.HashSet<>();
            readAll(Topics.FEATURE_VECTORS, FeatureVector.class, v -> {
                if (v.getFeatureSet().equals(SET) && v.getFeatureSetVersion() == SET_VERSION
                        && ids.contains(v.getEventId())) {
                    seen.add(v.getEventId());
                }
            });
            return seen.size() == EVENTS ? seen : null;
        });

        // When the last events are scored through scoring-requests, each with its time and attributes
        List<SimEvent> requested = events.subList(EVENTS - REQUESTS, EVENTS);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                new AvroEventSerializer<>())) {
            for (SimEvent e : requested) {
                producer.send(new ProducerRecord<>(Topics.SCORING_REQUESTS, e.entityId(), ScoringRequested
                        .newBuilder().setRequestId("req-" + e.eventId()).setUseCase(USE_CASE)
                        .setEventId(e.eventId()).setEntityId(e.entityId()).setEventTime(e.eventTime())
                        .setAttributes(new HashMap<>(e.attributes())).setRequestedAt(Instant.now()).build()));
            }
            producer.flush();
        }
        Map<String, ScoreProduced> online = await("a score for every request", Duration.ofMinutes(3), () -> {
            Map<String, ScoreProduced> found = new HashMap<>();
            readAll(Topics.SCORES, ScoreProduced.class, s -> {
                if (s.getRequestId() != null && s.getRequestId().startsWith("req-")) {
                    found.put(s.getEventId(), s);
                }
            });
            return found.size() == REQUESTS ? found : null;
        });

        // And a batch job scores the vectors of the whole range
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("useCase", USE_CASE);
        job.put("from", t0.toString());
        job.put("to", t0.plusSeconds(2L * EVENTS).toString());
        Http.Answer started = Http.postJson(serving + "/v1/batch-jobs", job, "dave", "dave-local");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String jobId = Http.JSON.readTree(started.body()).get("id").asText();
        JsonNode ended = await("the job to end", Duration.ofMinutes(3), () -> {
            try {
                JsonNode view = Http.JSON.readTree(Http.get(serving + "/v1/batch-jobs/" + jobId).body());
                String status = view.path("status").asText();
                return "QUEUED".equals(status) || "RUNNING".equals(status) ? null : view;
            } catch (Exception e) {
                return null;
            }
        });
        assertThat(ended.path("status").asText()).as(ended.toString()).isEqualTo("SUCCEEDED");
        assertThat(ended.path("summary").path("eventsScored").asLong()).isEqualTo(EVENTS);
        assertThat(ended.path("progress").path("fraction").asDouble()).isEqualTo(1.0);
        Map<String, ScoreProduced> batch = new HashMap<>();
        readAll(Topics.SCORES, ScoreProduced.class, s -> {
            if (jobId.equals(s.getJobId())) {
                batch.put(s.getEventId(), s);
            }
        });

        // Then every requested event has the same score from the same version both ways
        assertThat(batch).hasSize(EVENTS);
        for (SimEvent e : requested) {
            ScoreProduced a = online.get(e.eventId());
            ScoreProduced b = batch.get(e.eventId());
            assertThat(a.getWarnings()).as("warnings of the request for %s", e.eventId()).isEmpty();
            assertThat(b.getModelVersion()).isEqualTo(a.getModelVersion()).isEqualTo(v1);
            assertThat(b.getScore()).as("score of %s: online features %s, vector %s", e.eventId(),
                    a.getFeatures(), b.getFeatures()).isCloseTo(a.getScore(), within(1e-9));
            assertThat(b.getDecision()).isEqualTo(a.getDecision());
        }
        System.out.printf("batch scoring: %d events, %d requests, job %s in %d ms; scores equal online and in batch%n",
                EVENTS, REQUESTS, jobId, ended.path("summary").path("durationMillis").asLong());
    }

    private static String registry() {
        return platform.url(Platform.REGISTRY);
    }

    private static CardFraudModels models() {
        return new CardFraudModels(platform, "batch scoring");
    }

    private static <T extends SpecificRecord> void readAll(String topic, Class<T> type,
            java.util.function.Consumer<T> each) {
        new OutputTopics(platform.kafka(StationAcls.ADMIN)).readAll(topic, type, each);
    }

    private static <T> T await(String what, Duration timeout, Supplier<T> probe) {
        return Waits.await(what, timeout, probe);
    }}

package dev.brigade.serving.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.SharedKafkaBroker;
import dev.brigade.events.FeatureStatus;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.ScoreProduced;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.TopicProvisioner;
import dev.brigade.events.topics.Topics;
import dev.brigade.model.Scorer;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.KafkaSettings;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.serving.BatchJob;
import dev.brigade.serving.ContractInput;
import dev.brigade.serving.Fixtures;
import dev.brigade.serving.InputType;
import dev.brigade.serving.JobState;
import dev.brigade.serving.LoadedModel;
import dev.brigade.serving.ModelVersionInfo;
import dev.brigade.serving.Variant;
import dev.brigade.serving.config.BatchConfig;

/**
 * Two serving replicas in one JVM against a real broker, each with its own view of batch-jobs, state writer and
 * runner (as BatchJobs wires them): the state one writes is what the other answers with, and a job whose runner
 * stops mid-way is resumed by the other from the checkpoint, with every event scored and counted once.
 */
class BatchJobTakeoverTest {

    private static final int EVENTS = 3000;
    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final ScheduledExecutorService acks = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        acks.shutdownNow();
    }

    /** An install of its own on the broker: its names, clients, and vectors of one hour (one event's sent twice). */
    private record Install(TopicNames names, KafkaClients clients, Instant from) {
    }

    private final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();

    /** A score sink that acknowledges slowly (with one in flight), so the job takes seconds. */
    private CompletionStage<Void> send(ScoreProduced score) {
        sent.computeIfAbsent(score.getEventId(), e -> new AtomicInteger()).incrementAndGet();
        CompletableFuture<Void> ack = new CompletableFuture<>();
        acks.schedule(() -> ack.complete(null), 2, TimeUnit.MILLISECONDS);
        return ack;
    }

    private static Install install() {
        String bootstrap = SharedKafkaBroker.bootstrapServers();
        TopicNames names = new TopicNames("takeover-" + UUID.randomUUID().toString().substring(0, 8) + "-");
        KafkaClients clients = new KafkaClients(new KafkaSettings(Map.of("bootstrap.servers", bootstrap)));
        try (Admin admin = clients.admin("takeover-setup", Map.of())) {
            new TopicProvisioner(admin, (short) 1, Duration.ofSeconds(30)).ensure(names.catalogue().stream()
                    .filter(t -> t.name().endsWith(Topics.FEATURE_VECTORS) || t.name().contains(Topics.BATCH_JOBS))
                    .toList());
        }
        Instant from = Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        String topic = names.topic(Topics.FEATURE_VECTORS);
        try (KafkaProducer<String, byte[]> producer = clients.producer("takeover-vectors", Map.of())) {
            // a topic just made may take a moment to have a leader for every partition
            await().atMost(Duration.ofSeconds(60)).until(() -> producer.partitionsFor(topic).stream()
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                FeatureVector v = vector("evt-" + i, from.plusMillis(i));
                sends.add(producer.send(new ProducerRecord<>(topic, v.getEventId(), VECTORS.encode(v))));
            }
            FeatureVector again = vector("evt-7", from.plusMillis(7));
            sends.add(producer.send(new ProducerRecord<>(topic, "evt-7", VECTORS.encode(again))));
            for (java.util.concurrent.Future<?> send : sends) {
                send.get(150, TimeUnit.SECONDS); // every vector is there, or the test says why not
            }
        } catch (Exception e) {
            throw new IllegalStateException("vectors not written: " + e, e);
        }
        return new Install(names, clients, from);
    }

    /** Replica a accepts a job and runs it until it checkpointed part of it; b follows the topic. */
    private JobState acceptedAndPartlyRunByA(Install install, Replica a, Replica b) throws InterruptedException {
        JobState accepted = JobState.accepted(UUID.randomUUID().toString(), "card-fraud", install.from(),
                install.from().plus(Duration.ofHours(1)), 1, Variant.CHAMPION, Fixtures.FEATURE_SET, 1, "dave", "a",
                Instant.now());
        assertThat(a.view.awaitApplied(a.writer.write(accepted), Duration.ofSeconds(10))).isTrue();
        a.runner.start();
        // b's view answers with what a wrote
        await().atMost(Duration.ofSeconds(30)).until(() -> b.view.get(accepted.id()) != null);
        assertThat(b.view.get(accepted.id()).view().acceptedBy()).isEqualTo("a");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JobState s = b.view.get(accepted.id());
            return s.owner() != null && s.owner().equals("a") && s.sequence() >= 1 && s.tally().scored() > 300;
        });
        return accepted;
    }

    /** No event lost, none counted twice, the duplicate vector recognised across the resume. */
    private static void assertExactCounts(BatchJob job) {
        assertThat(job.status()).isEqualTo(BatchJob.Status.SUCCEEDED);
        assertThat(job.owner()).isEqualTo("b");
        assertThat(job.attempt()).isEqualTo(2);
        assertThat(job.progress().scanned()).isEqualTo(job.progress().total()).isEqualTo(EVENTS + 1);
        assertThat(job.progress().matched()).isEqualTo(EVENTS + 1);
        assertThat(job.summary().eventsScored()).isEqualTo(EVENTS);
        assertThat(job.summary().duplicates()).isEqualTo(1);
        assertThat(job.summary().byModel()).containsExactly(Map.entry("v1 CHAMPION", (long) EVENTS));
        assertThat(job.summary().failures()).isEmpty();
    }

    @Test
    void aJobHandedOverMidWayIsResumedByAnotherReplicaFromItsCheckpoint() throws Exception {
        // Given two replicas of one install, a running a job, b following the topic
        Install install = install();
        Replica a = replica("a", install);
        Replica b = replica("b", install);
        JobState accepted = acceptedAndPartlyRunByA(install, a, b);

        // When a stops (a scale-down: it checkpoints and leaves the group) and b joins the group
        a.runner.close();
        JobState handedOver = a.view.get(accepted.id());
        assertThat(handedOver.status()).isEqualTo(BatchJob.Status.RUNNING);
        assertThat(handedOver.scanned()).isLessThan(handedOver.total());
        b.runner.start();

        // Then b resumes it from a's checkpoint and finishes it, the counts exact
        await().atMost(Duration.ofSeconds(90)).until(() -> b.view.get(accepted.id()).finished());
        JobState end = b.view.get(accepted.id());
        BatchJob job = end.view();
        assertExactCounts(job);
        assertThat(job.resumedFrom()).isEqualTo(handedOver.scanned()).isPositive();
        assertThat(job.summary().scores().percentilesExact()).isTrue();
        // And a clean hand-over re-sends nothing: every event's score went to the topic once
        assertThat(sent).hasSize(EVENTS);
        assertThat(sent.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        // And both views answer the same
        await().atMost(Duration.ofSeconds(10)).until(() -> end.equals(a.view.get(accepted.id())));
    }

    @Test
    void aJobOfAReplicaThatDiedIsResumedFromItsLastCheckpointWithExactCounts() throws Exception {
        // Given two replicas of one install, a running a job, b following the topic
        Install install = install();
        Replica a = replica("a", install);
        Replica b = replica("b", install);
        JobState accepted = acceptedAndPartlyRunByA(install, a, b);

        // When a dies without its hand-over checkpoint and without leaving the group, and b joins the group
        long killed = System.nanoTime();
        a.runner.kill();
        long sentByA = sent.values().stream().mapToInt(AtomicInteger::get).sum();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> b.view.get(accepted.id()).equals(a.view.get(accepted.id())));
        JobState lastCheckpoint = b.view.get(accepted.id());
        b.runner.start();

        // Then the group gives b a's partitions only once a's session timed out (6 s here, heartbeats every 2 s)
        await().atMost(Duration.ofSeconds(60)).until(() -> b.view.get(accepted.id()).attempt() == 2);
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isGreaterThan(Duration.ofSeconds(3));

        // And b resumes from a's last periodic checkpoint and finishes, the counts exact
        await().atMost(Duration.ofSeconds(90)).until(() -> b.view.get(accepted.id()).finished());
        BatchJob job = b.view.get(accepted.id()).view();
        assertExactCounts(job);
        assertThat(job.resumedFrom()).isEqualTo(lastCheckpoint.scanned()).isPositive();
        // And every event was scored; those a sent after its last checkpoint were sent again (at-least-once)
        long resent = sent.values().stream().mapToInt(AtomicInteger::get).sum() - EVENTS;
        assertThat(sent).hasSize(EVENTS);
        assertThat(resent).isEqualTo(sentByA - lastCheckpoint.tally().scored());
    }

    @Test
    void aCancellationWrittenOnAnotherReplicaStopsTheJobWhereItRuns() throws Exception {
        // Given a job running on a
        Install install = install();
        Replica a = replica("a", install);
        Replica b = replica("b", install);
        JobState accepted = acceptedAndPartlyRunByA(install, a, b);

        // When a deployer cancels it on b (as BatchJobs.cancel does there)
        JobState seenByB = b.view.get(accepted.id());
        assertThat(b.view.awaitApplied(b.writer.write(seenByB.cancelledBy("erin", Instant.now())),
                Duration.ofSeconds(10))).isTrue();

        // Then a stops it: CANCELLED with what it produced until then, the same in both views
        await().atMost(Duration.ofSeconds(30)).until(() -> a.view.get(accepted.id()).finished());
        BatchJob job = a.view.get(accepted.id()).view();
        assertThat(job.status()).isEqualTo(BatchJob.Status.CANCELLED);
        assertThat(job.cancelRequested()).isTrue();
        assertThat(job.owner()).isEqualTo("a");
        assertThat(job.summary().eventsScored()).isPositive().isLessThan(EVENTS)
                .isEqualTo(sent.values().stream().mapToInt(AtomicInteger::get).sum());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> a.view.get(accepted.id()).equals(b.view.get(accepted.id())));
    }

    @Test
    void aReplicaJoiningWhileAJobRunsLeavesItsCountsExact() throws Exception {
        // Given a job running on a
        Install install = install();
        Replica a = replica("a", install);
        Replica b = replica("b", install);
        JobState accepted = acceptedAndPartlyRunByA(install, a, b);

        // When b joins the group while it runs (a scale-up: the partitions are shared anew)
        b.runner.start();

        // Then whichever replica ends up owning it finishes it, every event scored and counted once
        await().atMost(Duration.ofSeconds(90)).until(() -> a.view.get(accepted.id()).finished());
        BatchJob job = a.view.get(accepted.id()).view();
        assertThat(job.status()).isEqualTo(BatchJob.Status.SUCCEEDED);
        assertThat(job.summary().eventsScored()).isEqualTo(EVENTS);
        assertThat(job.summary().duplicates()).isEqualTo(1);
        assertThat(job.progress().matched()).isEqualTo(EVENTS + 1);
        assertThat(sent).hasSize(EVENTS);
        assertThat(sent.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(a.runner.owned()).doesNotContainAnyElementsOf(b.runner.owned());
    }

    private record Replica(JobsView view, JobStateWriter writer, JobRunner runner) {
    }

    private Replica replica(String instance, Install install) {
        KafkaClients clients = install.clients();
        TopicNames names = install.names();
        BatchConfig.Jobs config = config(instance);
        JobsView view = new JobsView(clients, names, "takeover-view-" + instance, 50).start();
        JobStateWriter writer = new JobStateWriter(clients, names, "takeover-writer-" + instance,
                Duration.ofSeconds(30));
        LoadedModel model = new LoadedModel("card-fraud", new ModelVersionInfo(1, "sha", 0, List.of(
                new ContractInput("amount", InputType.DOUBLE), new ContractInput("online", InputType.BOOLEAN),
                new ContractInput("txn_count_10m", InputType.LONG),
                new ContractInput("amount_sum_24h", InputType.DOUBLE)), 1000, Fixtures.FEATURE_SET, 1, false, false),
                Scorer.of(Fixtures.artifact(21)));
        JobScan scan = new JobScan(clients, names, this::send, config, Clock.systemUTC());
        JobRunner runner = new JobRunner(clients, names, view, writer,
                (useCase, version) -> version == 1 ? Optional.of(model) : Optional.empty(), scan, config, instance,
                Clock.systemUTC());
        closing.add(view);
        closing.add(writer);
        closing.add(runner);
        return new Replica(view, writer, runner);
    }

    private static FeatureVector vector(String eventId, Instant eventTime) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("amount", 20.0 + eventId.hashCode() % 100);
        values.put("online", eventId.hashCode() % 2 == 0);
        values.put("txn_count_10m", 3L);
        values.put("amount_sum_24h", 150.0);
        Map<String, FeatureStatus> statuses = new LinkedHashMap<>();
        values.keySet().forEach(n -> statuses.put(n, FeatureStatus.PRESENT));
        return FeatureVector.newBuilder().setEventId(eventId).setEntityId("card-" + eventId).setEventTime(eventTime)
                .setFeatureSet(Fixtures.FEATURE_SET).setFeatureSetVersion(1).setValues(values).setStatuses(statuses)
                .setComputedAt(eventTime.plusMillis(3)).build();
    }

    private static BatchConfig.Jobs config(String instance) {
        return new BatchConfig.Jobs() {
            public int maxRunning() {
                return 1;
            }

            public Duration maxRange() {
                return Duration.ofDays(31);
            }

            public int kept() {
                return 50;
            }

            public int maxInFlight() {
                return 1;
            }

            public Duration progressLogInterval() {
                return Duration.ofSeconds(5);
            }

            public String instanceId() {
                return instance;
            }

            public Duration checkpointInterval() {
                return Duration.ofMillis(300);
            }

            public Duration sessionTimeout() {
                return Duration.ofSeconds(6);
            }

            public Duration handoverTimeout() {
                return Duration.ofSeconds(30);
            }

            public Duration modelWait() {
                return Duration.ofSeconds(30);
            }

            public int sampleSize() {
                return 5000;
            }
        };
    }
}

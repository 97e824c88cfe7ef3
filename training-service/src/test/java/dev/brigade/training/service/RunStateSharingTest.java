package dev.brigade.training.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.brigade.broker.SharedKafkaBroker;
import dev.brigade.events.TrainingRunState;
import dev.brigade.events.topics.TopicProvisioner;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.KafkaSettings;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.platform.kafka.TopicReplay;
import dev.brigade.training.RunRecord;
import dev.brigade.training.RunState;
import dev.brigade.training.RunStatus;
import dev.brigade.training.mapping.RunStateMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Several instances' views of runs on a real broker: each instance is a RunStore following training-run-state. */
class RunStateSharingTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Duration STALE_AFTER = Duration.ofSeconds(2);

    private static KafkaClients clients;
    private final List<AutoCloseable> open = new ArrayList<>();
    private TopicNames names;

    @BeforeAll
    static void broker() {
        clients = new KafkaClients(new KafkaSettings(Map.of("bootstrap.servers",
                SharedKafkaBroker.bootstrapServers())));
    }

    /** Each test on its own install prefix: its own, empty training-run-state. */
    private void install() {
        names = new TopicNames("t" + UUID.randomUUID().toString().substring(0, 8) + ".");
        try (Admin admin = clients.admin("run-state-test", Map.of())) {
            new TopicProvisioner(admin, (short) 1, Duration.ofSeconds(30)).ensure(names.catalogue());
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void twoInstancesFollowingTheTopicAnswerTheSameRecord() {
        // Given two instances' stores following training-run-state, and the owner's writer
        install();
        Instance one = instance();
        Instance two = instance();
        RunStateWriter writer = writer();

        // When the owner writes a run's states: queued, running, then succeeded
        RunRecord queued = RunStoreTest.state(RunStatus.QUEUED, 1, "a").run();
        writer.write(new RunState(queued, 1, "a"));
        writer.write(RunStoreTest.state(RunStatus.RUNNING, 2, "a"));
        RunState done = RunStoreTest.state(RunStatus.SUCCEEDED, 3, "a");
        writer.write(done);

        // Then both instances answer the succeeded record, rendered alike
        await().atMost(Duration.ofSeconds(20)).until(() -> one.store.get("run-1").map(r -> r.status().isFinal())
                .orElse(false) && two.store.get("run-1").map(r -> r.status().isFinal()).orElse(false));
        assertThat((Object) JSON.valueToTree(one.store.get("run-1").orElseThrow()))
                .isEqualTo(JSON.valueToTree(two.store.get("run-1").orElseThrow()))
                .isEqualTo(JSON.valueToTree(done.run()));
        assertThat(one.store.list("card-fraud")).hasSize(1);

        // And an instance started later reads the same from the topic's beginning
        Instance late = instance();
        await().atMost(Duration.ofSeconds(20)).until(() -> late.store.get("run-1").isPresent());
        assertThat(late.store.get("run-1")).isEqualTo(one.store.get("run-1"));
    }

    @Test
    void aRunningRunWithAnOldHeartbeatIsFailedByTheCheckersExactlyOnce() throws Exception {
        // Given a RUNNING run whose owner a stopped writing, and two live instances b and c checking every 200 ms
        install();
        Instance b = instance();
        Instance c = instance();
        RunStateWriter writer = writer();
        writer.write(new RunState(RunLivenessTest.withHeartbeat(RunStoreTest.state(RunStatus.RUNNING, 3, "a").run(),
                java.time.Instant.now().minusSeconds(60)), 3, "a"));
        await().atMost(Duration.ofSeconds(20)).until(() -> b.store.sharedLive().size() == 1
                && c.store.sharedLive().size() == 1);
        List<String> published = new CopyOnWriteArrayList<>();
        RunLiveness checkerB = b.checker("b", writer, published);
        RunLiveness checkerC = c.checker("c", writer, published);

        // When both check, concurrently, several times over (the state's heartbeat is long past stale-after)
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                Future<?> fb = pool.submit(() -> {
                    checkerB.check();
                    return null;
                });
                Future<?> fc = pool.submit(() -> {
                    checkerC.check();
                    return null;
                });
                fb.get(30, TimeUnit.SECONDS);
                fc.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        // Then the run is FAILED naming the silent owner on both instances, the same record, and its RunFailed was
        // published once, by the instance whose declaration landed first
        assertThat(published).hasSize(1);
        RunRecord onB = b.store.get("run-1").orElseThrow();
        assertThat(onB.status()).isEqualTo(RunStatus.FAILED);
        assertThat(onB.statusReason()).contains("the instance a that ran it went silent");
        assertThat(c.store.get("run-1")).contains(onB);
        String winner = published.get(0).substring(0, 1);
        assertThat(b.store.shared("run-1").orElseThrow().writer()).isEqualTo(winner);
        assertThat(onB.statusReason()).contains("declared failed by " + winner);
        assertThat(b.store.sharedLive()).isEmpty();
    }

    private RunStateWriter writer() {
        RunStateWriter writer = new RunStateWriter(clients, names, JSON);
        open.add(writer::close);
        return writer;
    }

    private Instance instance() {
        RunStore store = new RunStore(100);
        RunStateMapper mapper = new RunStateMapper(JSON);
        TopicReplay<TrainingRunState> replay = new TopicReplay<>(clients, "run-state-test-" + UUID.randomUUID(),
                names.topic(Topics.TRAINING_RUN_STATE), TrainingRunState.class,
                (state, record) -> store.apply(mapper.fromAvro(state))).start();
        open.add(replay);
        return new Instance(store, replay);
    }

    private record Instance(RunStore store, TopicReplay<TrainingRunState> replay) {

        RunLiveness checker(String id, RunStateWriter writer, List<String> published) {
            return new RunLiveness(new TrainingCoordinator(null, store), store, writer,
                    (written, timeout) -> replay.awaitPosition(written.partition(), written.offset(), timeout),
                    failed -> published.add(id + ":" + failed.runId()), Duration.ofSeconds(1), STALE_AFTER,
                    Duration.ofMillis(200), id, new SimpleMeterRegistry(), Clock.tickMillis(ZoneOffset.UTC));
        }
    }

}

package dev.brigade.registry.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.SharedKafkaBroker;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.KafkaSettings;
import dev.brigade.registry.Fixtures;
import dev.brigade.registry.RegistryChange;
import dev.brigade.registry.TestKeys;
import dev.brigade.registry.UseCaseSpec;
import dev.brigade.registry.listener.RegistryLogReader;
import dev.brigade.registry.mapping.RegistryEventMapper;
import dev.brigade.registry.mapping.RegistryJson;

/**
 * Active/standby on the real broker: two electors in one group on a one-partition topic, each activation opening
 * the writer with the one transactional id and committing a first write, as the service does. The active leaves
 * (closed) or dies (a child JVM killed with SIGKILL); the standby takes over within the bound, its first transaction
 * commits, and the old writer is fenced.
 */
class LeaderElectionTest {

    /** The bound the registry promises: a dead active is replaced within 30 s. */
    private static final Duration BOUND = Duration.ofSeconds(30);
    /** 6 s is the broker's minimum; -Dbrigade.test.leader-session=PT10S -D...heartbeat=PT3S measures the defaults. */
    private static final Duration SESSION = Duration.parse(System.getProperty("brigade.test.leader-session", "PT6S"));
    private static final Duration HEARTBEAT = Duration.parse(System.getProperty("brigade.test.leader-heartbeat",
            "PT1S"));
    private static final LeaderElector.Timing TIMING = new LeaderElector.Timing(SESSION, HEARTBEAT,
            Duration.ofSeconds(30));

    private final String bootstrap = SharedKafkaBroker.bootstrapServers();
    private final KafkaClients clients = new KafkaClients(new KafkaSettings(Map.of("bootstrap.servers", bootstrap)));
    private final List<AutoCloseable> open = new ArrayList<>();
    private String leaderTopic;
    private String logTopic;
    private String group;
    private String writerId;

    @BeforeEach
    void ownTopics() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        leaderTopic = "leader-test-" + id;
        logTopic = "registry-log-" + id;
        group = "registry-service-leader-" + id;
        writerId = "registry-service-writer-" + id;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(leaderTopic, 1, (short) 1), new NewTopic(logTopic, 1, (short) 1),
                    new NewTopic(logTopic + ".dlq", 1, (short) 1))).all().get();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** An instance's part in the test: opens the writer on activation and commits a first write with it. */
    final class Instance implements LeaderElector.Role {

        final String name;
        final BlockingQueue<RecordMetadata> firstWrites = new LinkedBlockingQueue<>();
        volatile RegistryWriter writer;
        volatile long activatedNanos;
        volatile boolean standby;

        Instance(String name) {
            this.name = name;
        }

        @Override
        public void activate(int epoch) {
            RegistryWriter opened = new RegistryWriter(clients, logTopic, writerId, Duration.ofSeconds(10),
                    TestKeys.trusted());
            open.add(opened);
            writer = opened;
            RecordMetadata first = opened.write(List.of(RegistryEventMapper.toAvro(spec(name + "-" + epoch)))).get(0);
            activatedNanos = System.nanoTime(); // before the queue: the test reads it once the write is there
            standby = false;
            firstWrites.add(first);
        }

        @Override
        public void deactivate(String why) {
            // The writer is left open on purpose: a zombie that still believes it may write must be fenced.
            standby = true;
        }
    }

    @Test
    void whenTheActiveLeavesTheStandbyTakesOverAndTheOldWriterIsFenced() throws Exception {
        // Given two instances in the leader group, one of them active with a committed first write
        Instance a = new Instance("a");
        Instance b = new Instance("b");
        LeaderElector electorA = elector(a, "a");
        LeaderElector electorB = elector(b, "b");
        Instance active = awaitFirstActive(a, b);
        Instance standby = active == a ? b : a;
        LeaderElector activeElector = active == a ? electorA : electorB;
        assertThat(standby.writer).as("only one instance opened the writer").isNull();

        // When the active's elector closes (the instance stops: it leaves the group)
        long stopped = System.nanoTime();
        activeElector.close();

        // Then the standby takes over within the bound, and its first transaction commits
        RecordMetadata first = standby.firstWrites.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(first).as("the standby's first write after the takeover").isNotNull();
        long tookMs = (standby.activatedNanos - stopped) / 1_000_000;
        System.out.printf("Takeover after a clean stop: %d ms (session %s, heartbeat %s)%n", tookMs, SESSION,
                HEARTBEAT);
        assertThat(Duration.ofMillis(tookMs)).isPositive().isLessThan(BOUND);
        assertThat(active.standby).as("the old active was told it is standby").isTrue();

        // And the old active's writer, were it still running, can no longer write: fenced by the transactional id
        assertThatThrownBy(() -> active.writer.write(List.of(RegistryEventMapper.toAvro(spec("zombie")))))
                .isInstanceOf(RegistryException.class).hasMessageContaining("fenced");
        assertThat(active.writer.fenced()).isTrue();

        // And the log holds both first writes, the zombie's not at all
        try (RegistryLogReader reader = new RegistryLogReader(clients, logTopic, false, TestKeys.gate(),
                RegistryLogReader.Listener.NONE)) {
            reader.start();
            assertThat(reader.awaitApplied(first.partition(), first.offset(), BOUND)).isTrue();
            assertThat(reader.state().all()).extracting(u -> u.name().substring(0, 1))
                    .containsExactlyInAnyOrder("a", "b");
        }
    }

    @Test
    void whenTheActiveIsKilledTheStandbyTakesOverWithinTheBound() throws Exception {
        // Given an active instance in a child JVM (its first write committed) and a standby here
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ElectorProcess.class.getName(), bootstrap, leaderTopic,
                group, logTopic, writerId, Long.toString(SESSION.toMillis()), Long.toString(HEARTBEAT.toMillis()))
                .redirectErrorStream(true).start();
        open.add(child::destroyForcibly);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                out.lines().forEach(lines::add);
            } catch (Exception ignored) {
                // the child is killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        assertThat(awaitLine(lines, "ACTIVE", Duration.ofSeconds(60))).as("the child became active").isNotNull();
        Instance standby = new Instance("standby");
        elector(standby, "standby");
        Thread.sleep(2 * HEARTBEAT.toMillis()); // the standby is in the group, without the partition
        assertThat(standby.writer).isNull();

        // When the active is killed (SIGKILL: no leave, no close; the group sees only silence)
        long killed = System.nanoTime();
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        // Then the standby takes over within the bound, and its first transaction commits
        RecordMetadata first = standby.firstWrites.poll(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(first).as("the standby's first write after the takeover").isNotNull();
        long tookMs = (standby.activatedNanos - killed) / 1_000_000;
        System.out.printf("Takeover after SIGKILL of the active: %d ms (session %s, heartbeat %s)%n", tookMs, SESSION,
                HEARTBEAT);
        assertThat(Duration.ofMillis(tookMs)).isPositive().isLessThan(BOUND);
    }

    private LeaderElector elector(Instance instance, String id) {
        LeaderElector elector = new LeaderElector(clients, leaderTopic, group, id, TIMING, instance).start();
        open.add(elector);
        return elector;
    }

    private static Instance awaitFirstActive(Instance a, Instance b) throws InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            if (!a.firstWrites.isEmpty()) {
                return a;
            }
            if (!b.firstWrites.isEmpty()) {
                return b;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("neither instance became active within " + BOUND);
    }

    private static String awaitLine(BlockingQueue<String> lines, String prefix, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    static RegistryChange spec(String name) {
        UseCaseSpec spec = SpecValidator.validate(RegistryJson.parseDocument(Fixtures.specYaml("card-fraud.yaml",
                name), true), name).spec();
        return new RegistryChange(UUID.randomUUID().toString(), name, Instant.now(), "tester", null,
                new RegistryChange.SpecAdded(1, spec, RegistryJson.sha256(RegistryJson.canonical(spec))));
    }
}

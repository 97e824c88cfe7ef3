package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.broker.StationAcls;
import dev.brigade.events.AliasMoveKind;
import dev.brigade.events.AliasMoved;
import dev.brigade.events.ModelAlias;
import dev.brigade.events.PredictionLogged;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.TopicCatalog;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.DeadLetterHeaders;
import dev.brigade.platform.kafka.signing.RecordSigner;
import dev.brigade.simulator.CardFraudWorld;

/**
 * The fault suite on a secured cluster of three brokers (issue 22): SASL_SSL with SCRAM users, ACLs per station,
 * every topic with three replicas and min.insync.replicas 2. With 100,000 card transactions and their labels
 * streaming in and a client scoring all the time, the broker leading raw-events partition 0 is killed with SIGKILL
 * and started again (then the leader of registry-events, if another broker leads it), and all three brokers are
 * restarted one after another. Outputs are counted as {@link FaultSuiteIT} counts them: 0 lost, 0 duplicated
 * vectors and examples, registry state equal before and after, every scoring request answered. Then the security
 * cases: wrong credentials, a station writing a topic that is not its own, an anonymous plaintext client, forged
 * registry events from a principal that may not write them, and from the registry's own principal unsigned or
 * signed by a key nobody trusts. Each is refused, and the champion does not move.
 */
class ClusterFaultSuiteIT {

    private static final String USE_CASE = "card-fraud";
    private static final String SET = "card-activity";
    private static final int SET_VERSION = 1;
    private static final int EVENTS = Integer.getInteger("brigade.cluster-faults.events", 100_000);
    private static final int RATE = Integer.getInteger("brigade.cluster-faults.rate", 550);
    private static final Duration READY = Duration.ofMinutes(5);
    /** How long a station may take to fold a forged record, were it to take it: a fold takes milliseconds. */
    private static final Duration FOLD_TIME = Duration.ofSeconds(15);

    /** The stations that fold registry-events (training asks the registry over HTTP instead). */
    private static final List<String> VERIFYING_STATIONS = List.of(Platform.REGISTRY, Platform.SERVING,
            Platform.MONITOR);

    private static Platform platform;
    private static final List<String> phases = new ArrayList<>();
    private static volatile int phase;
    private static long suiteStarted;

    @BeforeAll
    static void startPlatform() {
        suiteStarted = System.nanoTime();
        platform = Platform.startSecured("cluster-fault-suite", List.of(Platform.REGISTRY, Platform.FEATURE,
                Platform.TRAINING, Platform.SERVING, Platform.MONITOR), Platform.SHORT_MONITOR_WINDOWS);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void brokersDieAndRestartWithNothingLostOrDoubledAndEveryForgeryIsRefused() throws Exception {
        List<FaultTable.Row> table = new ArrayList<>();
        List<String> failures = new ArrayList<>();

        // Given card-fraud with a champion v1 and a registered v2 that nobody promoted (what a forger would pick)
        CardFraudModels.registerWalkedByHand(platform, Platform.repoRoot().resolve("use-cases/" + USE_CASE + ".yaml"));
        CardFraudModels models = new CardFraudModels(platform, "cluster fault suite");
        int v1 = models.register(CardFraudModels.artifact(1), models.metadata(null));
        models.promote(v1, List.of("shadow", "champion"));
        int v2 = models.register(CardFraudModels.artifact(2), models.metadata(v1));
        String scoreUrl = platform.url(Platform.SERVING) + "/v1/score/" + USE_CASE;
        await("serving to answer with v1", Duration.ofMinutes(1), () -> {
            JsonNode a = ScoringLoop.score(scoreUrl, "warm-up-" + System.nanoTime(),
                    new CardFraudWorld(3).next(Instant.now()));
            return a != null && a.path("model").path("version").asInt() == v1 ? a : null;
        });

        // And the stream (published as the producers' principal) and a client scoring all the time
        phases.add("no fault (stream and scoring running)");
        StreamPublisher publisher = new StreamPublisher(platform.kafka(StationAcls.PRODUCER), EVENTS, RATE,
                () -> phase);
        ScoringLoop scoring = new ScoringLoop(platform.url(Platform.SERVING), USE_CASE, () -> phase);
        publisher.start();
        scoring.start();
        ServiceProcess.sleep(15_000);
        JsonNode registryBefore = registryState();
        double droppedBefore = droppedPredictions();

        // When the broker leading raw-events partition 0 is killed with SIGKILL and started again
        Map<String, String> notes = new LinkedHashMap<>();
        int rawLeader = platform.cluster().leaderOf(Topics.RAW_EVENTS, 0);
        int registryLeader = platform.cluster().leaderOf(Topics.REGISTRY_EVENTS, 0);
        killAndRestart(rawLeader, Topics.RAW_EVENTS, "leads raw-events-0" + (rawLeader == registryLeader
                ? " and registry-events-0" : ""), notes);
        // And, if another broker leads registry-events, that one too
        if (registryLeader != rawLeader) {
            killAndRestart(registryLeader, Topics.REGISTRY_EVENTS, "leads registry-events-0", notes);
        }

        // When every broker in turn is stopped and started again (a rolling restart, as for an upgrade)
        for (int node : platform.cluster().nodeIds()) {
            restart(node, notes);
        }
        phase = phases.size();
        phases.add("after the faults");
        ServiceProcess.sleep(10_000);
        scoring.close();
        double droppedAfter = droppedPredictions();
        JsonNode registryAfter = registryState();
        if (!registryAfter.equals(registryBefore)) {
            failures.add("registry state before the faults " + registryBefore + ", after " + registryAfter);
        }

        // Then every raw event has one vector and every labelled event one example
        publisher.awaitDone(Duration.ofMinutes(4));
        assertThat(publisher.failed.get()).as("raw events or labels Kafka did not acknowledge").isZero();
        log("counting the outputs");
        OutputTopics outputs = new OutputTopics(platform.kafka(StationAcls.ADMIN));
        OutputTopics.Outputs counted = outputs.awaitVectorsAndExamples(publisher.phaseOf, SET, SET_VERSION);
        long[][] stream = OutputTopics.tally(publisher.phaseOf, counted, phases.size());

        // And every answered scoring request was logged once (shadow scorings aside), or its drop counted
        Map<String, Integer> predictions = new HashMap<>();
        outputs.readAll(Topics.PREDICTIONS, PredictionLogged.class, p -> {
            if (!p.getVariant().name().equals("SHADOW")) {
                predictions.merge(p.getEventId(), 1, Integer::sum);
            }
        });
        long[] scored = new long[4];
        for (String eventId : scoring.phaseOf.keySet()) {
            int n = predictions.getOrDefault(eventId, 0);
            scored[0]++;
            scored[1] += n;
            scored[2] += n == 0 ? 1 : 0;
            scored[3] += Math.max(0, n - 1);
        }
        long dropsCounted = Math.round(droppedAfter - droppedBefore);
        long failedRequests = 0;
        for (int p = 0; p < phases.size(); p++) {
            failedRequests += scoring.failed[p].get();
            table.add(new FaultTable.Row(phases.get(p) + " | stream", stream[p][0], stream[p][1], stream[p][2],
                    stream[p][3], scoring.failed[p].get(), notes.getOrDefault(phases.get(p), "") + " answers "
                            + scoring.answered[p].get() + ", versions " + scoring.versions[p]));
        }
        table.add(new FaultTable.Row("all phases | predictions", scored[0], scored[1],
                Math.max(0, scored[2] - dropsCounted), scored[3], failedRequests, "drops counted " + dropsCounted));

        // When the security cases are tried
        Map<String, String> security = new LinkedHashMap<>();
        security.put("wrong password", wrongPassword());
        security.put("serving-service started with a wrong password", stationWithWrongPassword());
        security.put("serving-service writes registry-events", writeAsOtherPrincipal(StationAcls.SERVING_SERVICE,
                forgedPromotion(v1, v2)));
        security.put("brigade-producer writes a forged registry event", writeAsOtherPrincipal(StationAcls.PRODUCER,
                forgedPromotion(v1, v2)));
        security.put("anonymous PLAINTEXT client", anonymousPlaintext());
        security.put("registry principal, unsigned AliasMoved", forgedByRegistryPrincipal(v1, v2, null));
        SigningKeys rogue = SigningKeys.create(platform.root().resolve("signing"), "rogue");
        security.put("registry principal, AliasMoved signed by an untrusted key", forgedByRegistryPrincipal(v1, v2,
                RecordSigner.fromKeystore(rogue.keystore(), rogue.password().toCharArray(), rogue.alias())));
        security.forEach((name, outcome) -> table.add(new FaultTable.Row("security: " + name, 1, 0, 0, 0, 0,
                outcome)));
        FaultTable.print("Cluster fault suite (3 brokers, SASL_SSL + ACLs, " + EVENTS + " raw events + labels)",
                table, Duration.ofNanos(System.nanoTime() - suiteStarted));

        // Then: the assertions behind the table
        long lost = 0;
        long duplicated = 0;
        for (long[] s : stream) {
            lost += s[2];
            duplicated += s[3];
        }
        assertThat(lost).as("raw events without a vector plus labelled events without an example").isZero();
        assertThat(duplicated).as("extra vectors plus extra examples").isZero();
        assertThat(failures).as("registry state across the broker faults").isEmpty();
        assertThat(failedRequests).as("scoring requests not answered").isZero();
        assertThat(scored[3]).as("predictions logged twice").isZero();
        assertThat(scored[2]).as("answers neither logged nor counted as dropped").isLessThanOrEqualTo(dropsCounted);
        assertThat(security).as("security cases").allSatisfy((name, outcome) ->
                assertThat(outcome).as(name).startsWith("refused"));
    }

    // ---- the broker faults

    private static void killAndRestart(int node, String ledTopic, String why, Map<String, String> notes) {
        phase = phases.size();
        phases.add("kill -9 broker " + node + " (" + why + ")");
        log("kill -9 broker " + node + " (" + why + ")");
        long started = System.nanoTime();
        platform.cluster().kill(node);
        // the controller fences the dead broker after its session times out: leadership moves, the ISRs shrink
        int newLeader = await(ledTopic + "-0 led by another broker than " + node, Duration.ofMinutes(1), () -> {
            int leader = platform.cluster().leaderOf(ledTopic, 0);
            return leader != node && leader >= 0 ? leader : null;
        });
        awaitOutOfEveryIsr(node);
        long failover = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        ServiceProcess.sleep(5_000); // the stream runs on two brokers a while
        platform.cluster().start(node);
        awaitFullyReplicated();
        notes.put(phases.get(phase), ledTopic + "-0 moved to broker " + newLeader + " and the ISRs shrank within "
                + failover + " s; back in sync " + Duration.ofNanos(System.nanoTime() - started).toSeconds()
                + " s after the kill;");
    }

    /** A controlled stop (SIGTERM), the broker out of every ISR, started again, every replica back in sync. */
    private static void restart(int node, Map<String, String> notes) {
        phase = phases.size();
        phases.add("rolling restart: broker " + node);
        log("rolling restart of broker " + node);
        long started = System.nanoTime();
        platform.cluster().stop(node);
        assertThat(platform.cluster().isRunning(node)).as("broker " + node + " after SIGTERM").isFalse();
        awaitOutOfEveryIsr(node);
        platform.cluster().start(node);
        awaitFullyReplicated();
        notes.put(phases.get(phase), "down and back in sync within " + Duration.ofNanos(System.nanoTime() - started)
                .toSeconds() + " s;");
    }

    /** No partition counts the broker among its in-sync replicas (the controller fenced it or it shut down). */
    private static void awaitOutOfEveryIsr(int node) {
        awaitPartitions("broker " + node + " out of every ISR", partitions -> partitions.stream()
                .noneMatch(p -> p.isr().stream().anyMatch(replica -> replica.id() == node)));
    }

    /** Every partition of the catalogue has a leader and all its replicas in sync again. */
    private static void awaitFullyReplicated() {
        awaitPartitions("every partition's replicas in sync", partitions -> partitions.stream()
                .allMatch(p -> p.leader() != null && p.isr().size() == p.replicas().size()));
    }

    private static void awaitPartitions(String what,
            java.util.function.Predicate<List<org.apache.kafka.common.TopicPartitionInfo>> done) {
        Set<String> topics = Set.copyOf(TopicCatalog.all().stream().map(t -> t.name()).toList());
        try (Admin admin = Admin.create(platform.kafka(StationAcls.ADMIN))) {
            await(what, Duration.ofMinutes(3), () -> {
                try {
                    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                            .get(30, TimeUnit.SECONDS);
                    return done.test(described.values().stream().flatMap(d -> d.partitions().stream()).toList())
                            ? Boolean.TRUE : null;
                } catch (Exception e) {
                    return null;
                }
            });
        }
    }

    // ---- the security cases; each answers "refused: ..." or what went wrong

    private static String wrongPassword() {
        Map<String, Object> props = new HashMap<>(platform.kafka(StationAcls.PRODUCER));
        props.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + StationAcls.PRODUCER + "\" password=\"not-the-password\";");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000); // not above the API timeout, or Admin refuses
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
            return "LET IN with a wrong password";
        } catch (ExecutionException e) {
            return e.getCause() instanceof SaslAuthenticationException
                    ? "refused: " + e.getCause().getClass().getSimpleName()
                    : "failed otherwise: " + e.getCause();
        } catch (Exception e) {
            return "failed otherwise: " + e;
        }
    }

    /** A station given a wrong password stops at start, with a line naming the setting: no retry storm. */
    private static String stationWithWrongPassword() throws Exception {
        ServiceProcess serving = platform.anotherInstance(Platform.SERVING, "wrong-password",
                Map.of("KAFKA_SASL_PASSWORD", "not-the-password"));
        serving.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (serving.isAlive() && System.nanoTime() < deadline) {
            ServiceProcess.sleep(500);
        }
        boolean stopped = !serving.isAlive();
        serving.stop();
        List<String> naming = Files.readAllLines(serving.logFile()).stream()
                .filter(line -> line.contains("KAFKA_SASL_PASSWORD")).toList();
        long authenticationErrors = Files.readAllLines(serving.logFile()).stream()
                .filter(line -> line.contains("SaslAuthenticationException") || line.contains("Authentication failed"))
                .count();
        if (!stopped) {
            return "KEPT RUNNING with a wrong password; log " + serving.logFile();
        }
        return naming.isEmpty() ? "stopped, but NO LINE NAMES KAFKA_SASL_PASSWORD; log " + serving.logFile()
                : "refused: stopped at start; " + naming.size() + " line(s) name the setting, " + authenticationErrors
                        + " mention the authentication error: " + naming.get(0).strip();
    }

    private static String writeAsOtherPrincipal(String principal, RegistryEvent forged) {
        Map<TopicPartition, Long> before = registryEventsEnd();
        Map<String, Object> props = new HashMap<>(platform.kafka(principal));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        String outcome;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.REGISTRY_EVENTS, USE_CASE,
                    EventCodec.of(RegistryEvent.class).encode(forged))).get(60, TimeUnit.SECONDS);
            outcome = "WRITTEN by " + principal;
        } catch (ExecutionException e) {
            outcome = e.getCause() instanceof TopicAuthorizationException
                    ? "refused: " + e.getCause().getClass().getSimpleName()
                    : "failed otherwise: " + e.getCause();
        } catch (TopicAuthorizationException e) {
            outcome = "refused: " + e.getClass().getSimpleName();
        } catch (Exception e) {
            outcome = "failed otherwise: " + e;
        }
        Map<TopicPartition, Long> after = registryEventsEnd();
        return after.equals(before) ? outcome + ", registry-events unchanged"
                : "NOT refused: registry-events grew from " + before + " to " + after + " (" + outcome + ")";
    }

    private static String anonymousPlaintext() {
        Map<String, Object> props = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(props)) {
            Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            return "ANSWERED with " + topics.size() + " topics";
        } catch (ExecutionException e) {
            return "refused: no answer to a plaintext client (" + e.getCause().getClass().getSimpleName() + ")";
        } catch (Exception e) {
            return "refused: no answer to a plaintext client (" + e.getClass().getSimpleName() + ")";
        }
    }

    /**
     * The registry's own principal writes a promotion of v2 to champion, unsigned or signed with a key nobody
     * trusts: the broker takes it (the ACL allows the registry), and every station must refuse it.
     */
    private static String forgedByRegistryPrincipal(int v1, int v2, RecordSigner signer) throws Exception {
        RegistryEvent forged = forgedPromotion(v1, v2);
        byte[] value = EventCodec.of(RegistryEvent.class).encode(forged);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.REGISTRY_EVENTS, USE_CASE, value);
        if (signer != null) {
            signer.sign(USE_CASE, value, record.headers());
        }
        Map<String, Double> refusedBefore = refusedCounts();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(platform.kafka(StationAcls.REGISTRY_SERVICE),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(record).get(60, TimeUnit.SECONDS);
        }
        // every station that folds registry-events counts the refusal; the champion stays where it was
        List<String> notRefusing = List.copyOf(VERIFYING_STATIONS);
        long deadline = System.nanoTime() + FOLD_TIME.toNanos();
        while (!notRefusing.isEmpty() && System.nanoTime() < deadline) {
            ServiceProcess.sleep(1_000);
            Map<String, Double> now = refusedCounts();
            notRefusing = VERIFYING_STATIONS.stream()
                    .filter(s -> now.getOrDefault(s, 0.0) <= refusedBefore.getOrDefault(s, 0.0)).toList();
        }
        int registryChampion = champion();
        JsonNode answer = ScoringLoop.score(platform.url(Platform.SERVING) + "/v1/score/" + USE_CASE,
                "after-forgery-" + UUID.randomUUID(), new CardFraudWorld(5).next(Instant.now()));
        int servingVersion = answer == null ? -1 : answer.path("model").path("version").asInt();
        List<String> deadLetters = deadLetterReasons(forged.getEventId());
        String detail = "champion v" + registryChampion + " in the registry, serving answers with v" + servingVersion
                + "; dead letters: " + deadLetters;
        if (registryChampion != v1 || servingVersion != v1 || !notRefusing.isEmpty() || deadLetters.isEmpty()) {
            return "NOT refused everywhere (" + notRefusing + " did not count it): " + detail;
        }
        return "refused by " + VERIFYING_STATIONS + ": " + detail;
    }

    private static RegistryEvent forgedPromotion(int v1, int v2) {
        return RegistryEvent.newBuilder().setEventId("forged-" + UUID.randomUUID()).setUseCase(USE_CASE)
                .setOccurredAt(Instant.now()).setActor("mallory").setWhy("forged")
                .setPayload(AliasMoved.newBuilder().setAlias(ModelAlias.CHAMPION).setFromVersion(v1).setToVersion(v2)
                        .setKind(AliasMoveKind.PROMOTE).build())
                .build();
    }

    private static int champion() {
        JsonNode aliases = Http.get(registry() + "/v1/use-cases/" + USE_CASE + "/aliases").json();
        JsonNode champion = aliases.path("champion");
        return champion.isObject() ? champion.path("version").asInt() : champion.asInt(-1);
    }

    /** Each station's count of registry events refused for their signature. */
    private static Map<String, Double> refusedCounts() {
        Map<String, Double> counts = new HashMap<>();
        for (String station : VERIFYING_STATIONS) {
            counts.put(station, metricSum(platform.url(station), "brigade_events_signature_refused_total"));
        }
        return counts;
    }

    /** The reasons of the dead letters of this event on registry-events.dlq (read as the admin). */
    private static List<String> deadLetterReasons(String eventId) {
        List<String> reasons = new ArrayList<>();
        new OutputTopics(platform.kafka(StationAcls.ADMIN)).readRecords(Topics.dlq(Topics.REGISTRY_EVENTS), r -> {
            if (new String(r.value(), java.nio.charset.StandardCharsets.ISO_8859_1).contains(eventId)) {
                var reason = r.headers().lastHeader(DeadLetterHeaders.REASON);
                reasons.add(reason == null ? "(no reason header)"
                        : new String(reason.value(), java.nio.charset.StandardCharsets.UTF_8));
            }
        });
        return reasons;
    }

    private static Map<TopicPartition, Long> registryEventsEnd() {
        Map<String, Object> props = new HashMap<>(platform.kafka(StationAcls.ADMIN));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.REGISTRY_EVENTS).stream()
                    .map(p -> new TopicPartition(Topics.REGISTRY_EVENTS, p.partition())).toList();
            return consumer.endOffsets(partitions);
        }
    }

    // ---- the platform as its users see it

    private static String registry() {
        return platform.url(Platform.REGISTRY);
    }

    private static JsonNode registryState() {
        return Readings.registryState(registry(), USE_CASE);
    }

    private static double droppedPredictions() {
        return metricSum(platform.url(Platform.SERVING), "brigade_serving_prediction_log_dropped_total");
    }

    private static double metricSum(String url, String metric) {
        return Readings.metricSum(url, metric);
    }

    private static void log(String what) {
        System.out.printf("%s cluster fault suite: %s%n", Instant.now(), what);
    }

    private static <T> T await(String what, Duration timeout, Supplier<T> probe) {
        return Waits.await(what, timeout, probe);
    }
}

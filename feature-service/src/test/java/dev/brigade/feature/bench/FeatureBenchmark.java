package dev.brigade.feature.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import dev.brigade.broker.KafkaBroker;
import dev.brigade.events.RawEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.TopicCatalog;
import dev.brigade.events.topics.TopicProvisioner;
import dev.brigade.events.topics.Topics;
import dev.brigade.feature.FeatureSets;
import dev.brigade.feature.streams.FeatureSetTopology;
import dev.brigade.feature.streams.ProcessingListener;
import dev.brigade.platform.kafka.TopicNames;

/**
 * Prints the prep station's figures on this machine, each next to a baseline measured in the same run:
 * <ol>
 * <li>sustained ingestion through a feature-set topology (exactly-once, state store, one vector per event) against a
 * plain consume-and-produce pass-through over the same raw events on the same broker, with a stateless Kafka Streams
 * copy between them to show what Kafka Streams and exactly-once cost alone, and that copy with one changelogged put
 * per event to show the least a changelogged history costs;</li>
 * <li>online look-up latency under a fixed request rate against the service's own liveness probe at that rate.</li>
 * </ol>
 * Run it with feature-service/bench/run.sh. Arguments: events (100000), entities (5000), rate (500), seconds (20),
 * and "ingest-only" to skip the look-ups.
 */
public final class FeatureBenchmark {

    /** Each batch of raw events covers the next two days of one continuous timeline. */
    private static final Duration BATCH_SPAN = Duration.ofDays(2);
    private static final String STREAMS_COPY_TOPIC = "bench-streams-copy";
    private static final String STATEFUL_COPY_TOPIC = "bench-stateful-copy";
    /**
     * -Dbench.stateful-copy=cached-per-entity: the stateful copy puts each event under its entity's key into a cached
     * store instead, so the changelog gets one record per entity and commit: the floor of a design that keeps one
     * record per entity (which then rewrites that record on every event).
     */
    private static final boolean STATEFUL_COPY_PER_ENTITY = "cached-per-entity".equals(
            System.getProperty("bench.stateful-copy"));
    private static final String STATEFUL_COPY_LINE = STATEFUL_COPY_PER_ENTITY
            ? "one cached put per entity" : "one changelogged put per event";
    private static final Vertx LOAD = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private static final io.vertx.core.http.HttpClient LOAD_CLIENT = LOAD.createHttpClient(new HttpClientOptions()
            .setKeepAlive(true).setMaxPoolSize(64).setTcpNoDelay(true));

    public static void main(String[] args) throws Exception {
        // Log at INFO like the services: without a configuration the log manager lets Kafka's TRACE lines through,
        // and formatting them (every record, on the stream and producer threads) was a tenth of the measured time.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int entities = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        boolean ingestOnly = args.length > 4 && args[4].equals("ingest-only");
        boolean lookupsOnly = args.length > 4 && args[4].equals("lookups-only");
        Path work = Files.createTempDirectory("feature-bench-");
        try (KafkaBroker broker = KafkaBroker.builder().dataDir(work.resolve("kafka"))
                .logFile(work.resolve("broker.log")).build().start()) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                new TopicProvisioner(admin, (short) 1, Duration.ofSeconds(30)).ensure(TopicCatalog.all());
                admin.createTopics(List.of(new NewTopic("bench-passthrough", 3, (short) 1),
                        new NewTopic(STREAMS_COPY_TOPIC, 3, (short) 1),
                        new NewTopic(STATEFUL_COPY_TOPIC, 3, (short) 1))).all().get();
            }
            if (!lookupsOnly) {
                ingestion(broker, bootstrap, events, entities, work);
            }
            if (!ingestOnly) {
                // Events of the last two days, as a live feed would have brought them.
                System.out.printf("Producing %,d raw events for %,d entities...%n", events, entities);
                produce(bootstrap, events, entities, 0, Instant.now().minus(BATCH_SPAN));
                lookups(broker, bootstrap, entities, rate, seconds, work);
            }
        }
        LOAD.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void ingestion(KafkaBroker broker, String bootstrap, int events, int entities, Path work)
            throws Exception {
        ProcessHandle brokerProcess = broker.processHandle().orElse(null);
        // Sustained rates, measured the way a running service ingests: the pass-through, the Streams copy and the
        // topology app stay up for the whole phase and are fed batch after batch of raw events on one continuous
        // timeline (each batch the next two days). They wait while a batch is written, then each reads it alone, in
        // that order. Clients built anew for every pass ran the pass-through at a quarter of this speed, kept the
        // Streams app's set-up code compiling in the measured passes (7 to 19 % of this JVM's CPU in the JIT), and on
        // a fresh app no entity ever had a full week of history to read and prune (2026-11-27). Warm passes go on
        // until the entities' histories span the longest window (so every measured event reads a full week and
        // prunes the oldest) and a topology pass spends under 5 % of this JVM's CPU compiling (at most
        // -Dbench.max-warm-up-passes in all; 0 measures from the first batch on).
        Instant timeline = Instant.now().minus(BATCH_SPAN.multipliedBy(64));
        int batch = 0;
        try (PassThrough passThrough = new PassThrough(bootstrap);
                ContinuousApp copy = ContinuousApp.copy(bootstrap, work.resolve("streams-copy"));
                ContinuousApp statefulCopy = ContinuousApp.statefulCopy(bootstrap, work.resolve("stateful-copy"));
                ContinuousApp topology = ContinuousApp.cardActivity(bootstrap, work.resolve("streams"));
                ContinuousApp inMemory = ContinuousApp.cardActivityWithoutDurableState(bootstrap,
                        work.resolve("streams-in-memory"))) {
            int maxWarmUp = Integer.getInteger("bench.max-warm-up-passes", 12);
            int historyFull = maxWarmUp == 0 ? 0 : (int) (FeatureSets.cardActivity().historyRetention().toMillis()
                    / BATCH_SPAN.toMillis() + 1);
            double warmJit = Double.NaN;
            while (batch < historyFull || (batch < Math.max(historyFull, maxWarmUp) && !(warmJit < 0.05))) {
                produce(bootstrap, events, entities, batch, timeline.plus(BATCH_SPAN.multipliedBy(batch)));
                batch++;
                passThrough.pass(events);
                copy.pass(events);
                statefulCopy.pass(events);
                long[] before = cpu(brokerProcess);
                topology.pass(events);
                warmJit = jitShare(before, cpu(brokerProcess));
                inMemory.pass(events);
                System.out.printf("Warm-up pass %d (not measured): topology pass JIT share of this JVM's CPU %.1f %%%n",
                        batch, 100 * warmJit);
            }
            // Measured: interleaved pairs, so a noisy minute on the host hits both sides; the ratio is their medians'.
            int pairs = Math.max(1, Integer.getInteger("bench.measured-pairs", 3));
            double[] passThroughRates = new double[pairs];
            double[] topologyRates = new double[pairs];
            double[] copyRates = new double[pairs];
            double[] statefulCopyRates = new double[pairs];
            double[] inMemoryRates = new double[pairs];
            System.out.println();
            System.out.printf("== Ingestion (events/s, same broker, batches of %,d events; after %d warm-up pass%s) "
                    + "==%n", events, batch, batch == 1 ? "" : "es");
            System.out.printf("%-48s %10s %16s %16s %6s%n", "", "events/s", "client CPU us/ev", "broker CPU us/ev",
                    "JIT");
            for (int i = 0; i < pairs; i++) {
                produce(bootstrap, events, entities, batch, timeline.plus(BATCH_SPAN.multipliedBy(batch)));
                batch++;
                long[] cpu0 = cpu(brokerProcess);
                passThroughRates[i] = passThrough.pass(events);
                long[] cpu1 = cpu(brokerProcess);
                copyRates[i] = copy.pass(events);
                long[] cpu1b = cpu(brokerProcess);
                statefulCopyRates[i] = statefulCopy.pass(events);
                long[] cpu2 = cpu(brokerProcess);
                topologyRates[i] = topology.pass(events);
                long[] cpu3 = cpu(brokerProcess);
                inMemoryRates[i] = inMemory.pass(events);
                long[] cpu4 = cpu(brokerProcess);
                printIngestion("plain consume-and-produce pass-through #" + (i + 1), passThroughRates[i], cpu0, cpu1,
                        events);
                printIngestion("Kafka Streams copy, no state (EOS) #" + (i + 1), copyRates[i], cpu1, cpu1b, events);
                printIngestion("  same, " + STATEFUL_COPY_LINE + " #" + (i + 1), statefulCopyRates[i], cpu1b, cpu2,
                        events);
                printIngestion("card-activity topology (EOS, 10 features) #" + (i + 1), topologyRates[i], cpu2, cpu3,
                        events);
                printIngestion("  same, history in memory, no changelog #" + (i + 1), inMemoryRates[i], cpu3, cpu4,
                        events);
            }
            double passThroughMedian = median(passThroughRates);
            double topologyMedian = median(topologyRates);
            double copyMedian = median(copyRates);
            System.out.printf("medians: pass-through %,.0f events/s, Streams copy %,.0f events/s, topology %,.0f "
                    + "events/s%n", passThroughMedian, copyMedian, topologyMedian);
            System.out.printf("ratio topology / pass-through: %.2f   (target >= 0.50)%n",
                    topologyMedian / passThroughMedian);
            System.out.printf("ratio Streams copy / pass-through: %.2f (Kafka Streams and exactly-once alone); "
                    + "topology / Streams copy: %.2f (the feature computation and its state)%n",
                    copyMedian / passThroughMedian, topologyMedian / copyMedian);
            double statefulCopyMedian = median(statefulCopyRates);
            System.out.printf("ratio Streams copy with %s / pass-through: %.2f (%,.0f events/s; the least state any "
                    + "topology with a changelogged history writes, nothing computed)%n", STATEFUL_COPY_LINE,
                    statefulCopyMedian / passThroughMedian, statefulCopyMedian);
            double inMemoryMedian = median(inMemoryRates);
            System.out.printf("ratio topology with its history in memory, no changelog / pass-through: %.2f (%,.0f "
                    + "events/s; against the topology's, what RocksDB and the changelog cost)%n",
                    inMemoryMedian / passThroughMedian, inMemoryMedian);
            System.out.printf("(client CPU is this JVM's, JIT included; JIT is its compiler threads' share of it; "
                    + "the topology's entities held up to %s of history: %,d events in its store)%n",
                    FeatureSets.cardActivity().historyRetention(), topology.storedEvents());
        }
    }

    private static void printIngestion(String name, double rate, long[] cpuBefore, long[] cpuAfter,
            int events) {
        System.out.printf("%-48s %,10.0f %16.1f %16.1f %5.1f%%%n", name, rate,
                (cpuAfter[0] - cpuBefore[0]) / 1e3 / events, (cpuAfter[1] - cpuBefore[1]) / 1e3 / events,
                100 * jitShare(cpuBefore, cpuAfter));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * CPU milliseconds this JVM's compiler threads have used so far, from /proc (the compilation bean counts wall
     * time, which on two busy cores was up to twice their CPU); the bean's figure where there is no /proc.
     */
    private static long jitMillis() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        }
        long ticks = 0;
        try (var threads = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) threads::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    }
                } catch (IOException | RuntimeException gone) {
                    // a compiler thread that ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return ticks * 10; // USER_HZ is 100 on Linux
    }

    /** The compiler threads' share of this JVM's CPU between two readings. */
    private static double jitShare(long[] cpuBefore, long[] cpuAfter) {
        double cpuMillis = (cpuAfter[0] - cpuBefore[0]) / 1e6;
        return cpuMillis <= 0 ? 0 : Math.min(1, (cpuAfter[2] - cpuBefore[2]) / cpuMillis);
    }

    /** CPU nanoseconds used so far by this JVM and by the broker's, and this JVM's compiler threads' CPU milliseconds. */
    private static long[] cpu(ProcessHandle brokerProcess) {
        return new long[] {cpuNanos(ProcessHandle.current()), brokerProcess == null ? 0 : cpuNanos(brokerProcess),
                jitMillis()};
    }

    private static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    /** Moves every thread of a process to the given CPUs (taskset -a). */
    private static void pin(String cpus, long pid) {
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                System.out.println("(could not pin process " + pid + " to CPUs " + cpus + ")");
            }
        } catch (IOException | InterruptedException e) {
            System.out.println("(could not pin process " + pid + " to CPUs " + cpus + ": " + e + ")");
        }
    }

    /**
     * A batch of raw events in time order from {@code start} over {@link #BATCH_SPAN}; ids unique by batch number.
     * They go to raw-events.accepted, as the service's intake gate forwards them: that is what a version's topology
     * reads (and, in the look-up phase, what the service's version app backfills from), so the topology and its
     * baselines all read the same records.
     */
    private static void produce(String bootstrap, int events, int entities, int batch, Instant start) {
        EventCodec<RawEvent> codec = EventCodec.of(RawEvent.class);
        Random random = new Random(42 + batch);
        long step = BATCH_SPAN.toMillis() / events;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps(bootstrap))) {
            for (int i = 0; i < events; i++) {
                String card = "card-" + random.nextInt(entities);
                RawEvent event = RawEvent.newBuilder().setEventId("bench-" + batch + "-" + i)
                        .setSource("card-transactions").setEntityId(card).setEventTime(start.plusMillis(i * step))
                        .setAttributes(Map.of("amount", Math.round(random.nextDouble() * 50_000) / 100.0,
                                "merchant", "m-" + random.nextInt(500), "online", random.nextBoolean(),
                                "region", "r-" + random.nextInt(5), "device", "d-" + random.nextInt(3)))
                        .build();
                producer.send(new ProducerRecord<>(Topics.RAW_EVENTS_ACCEPTED, card, codec.encode(event)));
            }
            producer.flush();
        }
    }

    /**
     * The baseline: one consumer and one producer (acks=all, idempotent) that copy the topology's input
     * (raw-events.accepted) unchanged to another topic, kept for the whole phase like the topology app.
     */
    private static final class PassThrough implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final KafkaProducer<String, byte[]> producer;

        PassThrough(String bootstrap) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-passthrough");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(props);
            producer = new KafkaProducer<>(producerProps(bootstrap));
            consumer.subscribe(List.of(Topics.RAW_EVENTS_ACCEPTED));
        }

        /** Copies the next {@code events} records; events/s from the first record read to the last one acknowledged. */
        double pass(int events) {
            long first = 0;
            long count = 0;
            while (count < events) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (first == 0) {
                        first = System.nanoTime();
                    }
                    producer.send(new ProducerRecord<>("bench-passthrough", record.key(), record.value()));
                    count++;
                }
                consumer.commitAsync();
            }
            producer.flush();
            return events / seconds(first);
        }

        @Override
        public void close() {
            consumer.close();
            producer.close();
        }
    }

    /**
     * A Streams app with the service's settings (exactly-once, its commit interval, lz4), kept for the whole phase and
     * paused between its passes (a paused app still polls and commits): the card-activity topology, or a stateless
     * Streams copy of raw-events.accepted that shows what Kafka Streams and exactly-once cost before any feature is
     * computed.
     */
    private static final class ContinuousApp implements AutoCloseable {
        private final AtomicLong processed = new AtomicLong();
        private final AtomicLong first = new AtomicLong();
        private final KafkaStreams streams;
        private long target;

        static ContinuousApp cardActivity(String bootstrap, Path stateDir) throws InterruptedException {
            return new ContinuousApp(bootstrap, stateDir, "bench-card-activity", counter -> FeatureSetTopology.build(
                    TopicNames.NONE, FeatureSets.cardActivity(), Clock.systemUTC(), counting(counter)));
        }

        /**
         * The same topology with its history in memory and no changelog: not what the service runs (its state would
         * not survive a restart), but set against the topology it shows what RocksDB and the changelog cost.
         */
        static ContinuousApp cardActivityWithoutDurableState(String bootstrap, Path stateDir)
                throws InterruptedException {
            return new ContinuousApp(bootstrap, stateDir, "bench-card-activity-in-memory",
                    counter -> FeatureSetTopology.build(TopicNames.NONE, FeatureSets.cardActivity(), Clock.systemUTC(),
                            counting(counter), Stores.inMemoryKeyValueStore(FeatureSetTopology.HISTORY_STORE), false));
        }

        private static ProcessingListener counting(Runnable counter) {
            return new ProcessingListener() {
                @Override
                public void processed(String topic, int partition, long offset) {
                    counter.run();
                }
            };
        }

        /**
         * The Streams copy plus the least a changelogged history costs: each event put once, under a key of its own,
         * into a RocksDB store with a changelog, and forwarded. No read, no prune, no feature: any topology that keeps
         * its history in a changelogged store does at least this, so its rate bounds the topology's from above.
         */
        static ContinuousApp statefulCopy(String bootstrap, Path stateDir) throws InterruptedException {
            return new ContinuousApp(bootstrap, stateDir, "bench-stateful-copy", counter -> {
                org.apache.kafka.streams.Topology topology = new org.apache.kafka.streams.Topology();
                topology.addSource("source", new StringDeserializer(), new ByteArrayDeserializer(),
                        Topics.RAW_EVENTS_ACCEPTED);
                topology.addProcessor("put-and-forward", () -> new Processor<String, byte[], String, byte[]>() {
                    private ProcessorContext<String, byte[]> context;
                    private KeyValueStore<String, byte[]> store;

                    @Override
                    public void init(ProcessorContext<String, byte[]> context) {
                        this.context = context;
                        this.store = context.getStateStore("events");
                    }

                    @Override
                    public void process(Record<String, byte[]> record) {
                        // The entity is the key, so its partition's offset makes the key unique, as an event id would.
                        store.put(STATEFUL_COPY_PER_ENTITY ? record.key()
                                : record.key() + '\u0000' + context.recordMetadata().orElseThrow().offset(),
                                record.value());
                        context.forward(record);
                        counter.run();
                    }
                }, "source");
                StoreBuilder<KeyValueStore<String, byte[]>> store = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore("events"), org.apache.kafka.common.serialization.Serdes.String(),
                        org.apache.kafka.common.serialization.Serdes.ByteArray());
                topology.addStateStore(STATEFUL_COPY_PER_ENTITY ? store.withCachingEnabled() : store,
                        "put-and-forward");
                topology.addSink("sink", STATEFUL_COPY_TOPIC, new StringSerializer(), new ByteArraySerializer(),
                        "put-and-forward");
                return topology;
            });
        }

        static ContinuousApp copy(String bootstrap, Path stateDir) throws InterruptedException {
            return new ContinuousApp(bootstrap, stateDir, "bench-streams-copy", counter -> {
                org.apache.kafka.streams.StreamsBuilder builder = new org.apache.kafka.streams.StreamsBuilder();
                builder.stream(Topics.RAW_EVENTS_ACCEPTED, org.apache.kafka.streams.kstream.Consumed.with(
                        org.apache.kafka.common.serialization.Serdes.String(),
                        org.apache.kafka.common.serialization.Serdes.ByteArray()))
                        .peek((key, value) -> counter.run())
                        .to(STREAMS_COPY_TOPIC, org.apache.kafka.streams.kstream.Produced.with(
                                org.apache.kafka.common.serialization.Serdes.String(),
                                org.apache.kafka.common.serialization.Serdes.ByteArray()));
                return builder.build();
            });
        }

        private ContinuousApp(String bootstrap, Path stateDir, String applicationId,
                java.util.function.Function<Runnable, org.apache.kafka.streams.Topology> topology)
                throws InterruptedException {
            Runnable counter = () -> {
                first.compareAndSet(0, System.nanoTime());
                processed.incrementAndGet();
            };
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            // -Dbench.guarantee=at_least_once shows what exactly-once costs here.
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                    System.getProperty("bench.guarantee", StreamsConfig.EXACTLY_ONCE_V2));
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
            props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 8 * 1024 * 1024);
            // As the service runs it (brigade.features.commit-interval, lz4 for changelog and outputs).
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
            props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.getInteger("bench.threads", 1));
            props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
            streams = new KafkaStreams(topology.apply(counter), props);
            streams.pause();
            streams.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }

        /** Processes the next {@code events} records; events/s from the first record processed to the last. */
        double pass(int events) throws InterruptedException {
            target += events;
            first.set(0);
            streams.resume();
            while (processed.get() < target) {
                Thread.sleep(20);
            }
            long done = System.nanoTime();
            streams.pause();
            return events / ((done - first.get()) / 1e9);
        }

        /** Events in the history store now (RocksDB's estimate). */
        long storedEvents() {
            try {
                return streams.store(org.apache.kafka.streams.StoreQueryParameters.fromNameAndType(
                        FeatureSetTopology.HISTORY_STORE,
                        org.apache.kafka.streams.state.QueryableStoreTypes.<String, byte[]>keyValueStore()))
                        .approximateNumEntries();
            } catch (RuntimeException e) {
                return -1;
            }
        }

        @Override
        public void close() {
            streams.close(Duration.ofSeconds(30));
        }
    }

    private static void lookups(KafkaBroker broker, String bootstrap, int entities, int rate, int seconds, Path work)
            throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String jvm = System.getProperty("bench.service-jvm", "-Xmx512m -XX:+UseSerialGC").trim();
        command.addAll(List.of(jvm.split("\\s+")));
        Path gcLog = work.resolve("feature-service-gc.log");
        command.add("-Xlog:gc:file=" + gcLog);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.environment().put("BRIGADE_DATA_DIR", work.resolve("service").toString());
        builder.environment().put("BRIGADE_LOG_JSON", "false");
        builder.environment().put("BRIGADE_LOCAL_RUN", "true"); // the shipped *-local passwords are fine in a bench
        builder.redirectErrorStream(true).redirectOutput(work.resolve("feature-service.log").toFile());
        Process service = builder.start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://localhost:" + port;
        try {
            System.out.printf("%nStarting feature-service on port %d and waiting for its backfill...%n", port);
            waitFor(http, base + "/v1/feature-sets/card-activity/versions/1/backfill", "\"done\":true",
                    Duration.ofMinutes(5));
            // Its other Streams apps (the intake's label join reads every feature vector, those of this JVM's
            // topology runs too) were still at work minutes after the backfill: measure the service at rest.
            waitForCaughtUp(bootstrap, Duration.ofMinutes(10));
            Random random = new Random(7);
            List<String> lookups = new ArrayList<>();
            for (int i = 0; i < rate * seconds; i++) {
                lookups.add(base + "/v1/features/card-activity/card-" + random.nextInt(entities));
            }
            // Steady state: the warm-up reads every entity's history (in another order than the measured look-ups),
            // as a running service's look-ups would have. With 10 s of warm-up a third of the entities were still
            // unread when measuring began, and those first reads (store blocks not yet in memory) and the JIT still
            // compiling the path were much of the look-ups' tail (feature-service README, "Measured here").
            List<String> everyEntity = new ArrayList<>();
            for (int e = 0; e < entities; e++) {
                everyEntity.add(base + "/v1/features/card-activity/card-" + e);
            }
            java.util.Collections.shuffle(everyEntity, new Random(11));
            int warmUp = Math.max(Integer.getInteger("bench.warm-up-seconds", 30), (entities + rate - 1) / rate);
            // The floor: a bare HTTP server in this JVM, on its own event loop, asked by the same client at the same
            // rate. What it shows is this machine and the load client, with no service at all.
            Vertx floorVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
            io.vertx.core.http.HttpServer floor = floorVertx.createHttpServer()
                    .requestHandler(request -> request.response().putHeader("Content-Type", "application/json")
                            .end("{\"status\":\"UP\"}"))
                    .listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            String floorUrl = "http://localhost:" + floor.actualPort() + "/floor";
            run(List.of(floorUrl), rate, warmUp);
            run(List.of(base + "/q/health/live"), rate, warmUp);
            run(everyEntity, rate, warmUp);
            System.out.println();
            System.out.printf("== Online look-ups at %d requests/s for %d s (milliseconds; service JVM %s, "
                    + "warm-up %d s per probe, every entity read) ==%n", rate, seconds, jvm, warmUp);
            System.out.printf("%-52s %8s %8s %8s %8s%n", "", "p50", "p99", "max", "errors");
            measureLookups(http, base, floorUrl, lookups, rate, seconds, "", gcLog);
            // The same again with the service on a CPU of its own and this JVM (the load) and the broker on the
            // others: whether sharing or pinning gives the shorter tail is this machine's to say, so both print.
            String cpus = System.getProperty("bench.service-cpus", "").trim();
            if (!cpus.isEmpty()) {
                String others = "0-" + (Integer.parseInt(cpus) - 1);
                pin(cpus, service.pid());
                pin(others, ProcessHandle.current().pid());
                broker.processHandle().ifPresent(p -> pin(others, p.pid()));
                run(List.of(base + "/q/health/live"), rate, 5);
                run(everyEntity, rate, 5);
                measureLookups(http, base, floorUrl, lookups, rate, seconds, " [pinned " + cpus + "]", gcLog);
            }
            floorVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            service.destroy();
            service.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** Until every consumer group of the service's Streams apps has read all there is to read (read_committed). */
    private static void waitForCaughtUp(String bootstrap, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lag = -1;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            while (System.nanoTime() < deadline) {
                lag = 0;
                for (org.apache.kafka.clients.admin.ConsumerGroupListing group : admin.listConsumerGroups().all()
                        .get()) {
                    if (!group.groupId().startsWith("brigade-features")) {
                        continue;
                    }
                    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>
                            committed = admin.listConsumerGroupOffsets(group.groupId())
                                    .partitionsToOffsetAndMetadata().get();
                    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
                            new java.util.HashMap<>();
                    committed.keySet().forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec
                            .latest()));
                    var ends = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                            org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get();
                    for (var entry : committed.entrySet()) {
                        if (entry.getValue() != null) {
                            lag += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
                        }
                    }
                }
                if (lag == 0) {
                    return;
                }
                Thread.sleep(1000);
            }
        }
        System.out.println("(the service's Streams apps still lag " + lag + " records: its look-ups share the CPU "
                + "with that work)");
    }

    private static void measureLookups(HttpClient http, String base, String floorUrl, List<String> lookups, int rate,
            int seconds, String label, Path gcLog) throws Exception {
        long[] floor = run(List.of(floorUrl), rate, seconds);
        double floorLateness = latenessP99();
        int gcLinesBefore = gcPauses(gcLog).length;
        long[] baseline = run(List.of(base + "/q/health/live"), rate, seconds);
        double baselineLateness = latenessP99();
        String baselineSlow = slowBySecond(5.0);
        Map<String, Double> before = lookupMetrics(http, base);
        long[] lookup = run(lookups, rate, seconds);
        double lookupLateness = latenessP99();
        String lookupSlow = slowBySecond(5.0);
        Map<String, Double> after = lookupMetrics(http, base);
        double[] pauses = gcPauses(gcLog);
        double[] during = Arrays.copyOfRange(pauses, Math.min(gcLinesBefore, pauses.length), pauses.length);
        print("floor: bare HTTP server in the bench JVM" + label, floor);
        print("GET /q/health/live (baseline)" + label, baseline);
        print("GET /v1/features/card-activity/{id}" + label, lookup);
        System.out.printf("  look-up p99 %.2f ms (target <= 5 ms: %s), baseline p99 %.2f ms; %s%n",
                percentile(lookup, 0.99), percentile(lookup, 0.99) <= 5.0 ? "met" : "NOT met",
                percentile(baseline, 0.99), serverSide(before, after));
        System.out.printf("  load client lateness (hand-over after the due time), p99: floor %.2f ms, baseline "
                + "%.2f ms, look-ups %.2f ms%n", floorLateness, baselineLateness, lookupLateness);
        System.out.printf("  requests over 5 ms by second of the run: baseline %s; look-ups %s%n", baselineSlow,
                lookupSlow);
        System.out.printf("  service GC while the baseline and the look-ups ran: %d pauses, %.1f ms in all, "
                + "max %.1f ms%n", during.length, Arrays.stream(during).sum(), Arrays.stream(during).max().orElse(0));
    }

    /**
     * Open loop: request i is due at start + i / rate whatever happened to the others; latency counts from the due
     * time, so a stalled server is not hidden (no coordinated omission). One scheduler thread hands each request to
     * the non-blocking load client when it is due; as many may be in flight as need be. The last element of the
     * answer is the error count; the hand-over lateness of each request is kept for {@link #latenessP99}.
     */
    private static long[] run(List<String> urls, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long period = 1_000_000_000L / rate;
        long[] latencies = new long[total];
        long[] lateness = new long[total];
        lastLateness = lateness;
        lastLatencies = latencies;
        lastRate = rate;
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime() + 10_000_000L;
        for (int i = 0; i < total; i++) {
            long due = start + i * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int k = i;
            lateness[k] = System.nanoTime() - due;
            get(urls.get(i % urls.size()), ok -> {
                latencies[k] = ok ? System.nanoTime() - due : -1;
                if (!ok) {
                    errors.incrementAndGet();
                }
                done.countDown();
            });
        }
        if (!done.await(seconds + 30L, TimeUnit.SECONDS)) {
            throw new IllegalStateException(done.getCount() + " requests never completed");
        }
        long[] sorted = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        long[] withErrors = Arrays.copyOf(sorted, sorted.length + 1);
        withErrors[sorted.length] = errors.get();
        return withErrors;
    }

    private static volatile long[] lastLatencies = new long[0];
    private static volatile int lastRate = 1;

    /**
     * When the last run's requests over {@code thresholdMillis} were due, as "second: count" (seconds from the run's
     * start): a stall of the whole host or service shows as a burst in one second, a per-request cost as a spread.
     */
    private static String slowBySecond(double thresholdMillis) {
        long[] latencies = lastLatencies;
        Map<Integer, Integer> bySecond = new java.util.TreeMap<>();
        for (int i = 0; i < latencies.length; i++) {
            if (latencies[i] > thresholdMillis * 1e6 || latencies[i] < 0) {
                bySecond.merge(i / lastRate, 1, Integer::sum);
            }
        }
        return bySecond.isEmpty() ? "none" : bySecond.toString();
    }

    /** The hand-over lateness of the last run: how late the scheduler gave each request to the load client. */
    private static volatile long[] lastLateness = new long[0];

    private static double latenessP99() {
        long[] sorted = lastLateness.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(0.99 * sorted.length) - 1)]
                / 1e6;
    }

    /**
     * One GET on the load client; {@code then} gets true for a 200. Vert.x on one event loop with keep-alive
     * connections: the former blocking client (16 threads, one request each) had a p99 of 5.3 to 5.5 ms against the
     * liveness probe alone at 500/s, the target itself, so it measured its own scheduling rather than the service.
     */
    private static void get(String url, java.util.function.Consumer<Boolean> then) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                .setConnectTimeout(2000).setIdleTimeout(5000);
        LOAD_CLIENT.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(ignored -> response.statusCode()))
                .onComplete(r -> then.accept(r.succeeded() && r.result() == 200));
    }

    /**
     * The service's own timing of GET look-ups (brigade_features_lookup_seconds, from the resource method's entry to
     * its return): cumulative bucket counts by upper bound, plus "count" and "sum".
     */
    private static Map<String, Double> lookupMetrics(HttpClient http, String base) throws Exception {
        Map<String, Double> values = new java.util.TreeMap<>();
        String body = http.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Pattern bucket = java.util.regex.Pattern.compile(
                "brigade_features_lookup_seconds_(bucket|count|sum)\\{([^}]*)\\} (\\S+)");
        for (String line : body.split("\n")) {
            java.util.regex.Matcher m = bucket.matcher(line);
            if (!m.lookingAt() || !m.group(2).contains("method=\"get\"")) {
                continue;
            }
            java.util.regex.Matcher le = java.util.regex.Pattern.compile("le=\"([^\"]+)\"").matcher(m.group(2));
            String name = m.group(1).equals("bucket") ? (le.find() ? le.group(1) : "?") : m.group(1);
            values.merge(name, Double.parseDouble(m.group(3)), Double::sum);
        }
        return values;
    }

    /** Server-side mean and the bucket bound under which 99 % of the measured phase's look-ups finished. */
    private static String serverSide(Map<String, Double> before, Map<String, Double> after) {
        double count = after.getOrDefault("count", 0.0) - before.getOrDefault("count", 0.0);
        if (count <= 0) {
            return "no server-side look-up timings on /q/metrics";
        }
        double mean = (after.get("sum") - before.getOrDefault("sum", 0.0)) / count;
        String p99 = "?";
        List<Map.Entry<String, Double>> buckets = after.entrySet().stream()
                .filter(e -> !e.getKey().equals("count") && !e.getKey().equals("sum") && !e.getKey().equals("?"))
                .sorted(java.util.Comparator.comparingDouble(e -> e.getKey().equals("+Inf")
                        ? Double.POSITIVE_INFINITY : Double.parseDouble(e.getKey())))
                .toList();
        for (Map.Entry<String, Double> b : buckets) {
            if (b.getValue() - before.getOrDefault(b.getKey(), 0.0) >= 0.99 * count) {
                p99 = b.getKey().equals("+Inf") ? "+Inf" : String.format("%.2f ms",
                        Double.parseDouble(b.getKey()) * 1e3);
                break;
            }
        }
        return String.format("inside the service: mean %.3f ms, p99 <= %s", mean * 1e3, p99);
    }

    /** The service's GC pauses so far, in log order (milliseconds). */
    private static double[] gcPauses(Path gcLog) throws IOException {
        if (!Files.exists(gcLog)) {
            return new double[0];
        }
        return Files.readAllLines(gcLog).stream().filter(l -> l.contains(" Pause ") && l.endsWith("ms"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1, l.length() - 2))).toArray();
    }

    private static void print(String name, long[] result) {
        long[] latencies = Arrays.copyOf(result, result.length - 1);
        System.out.printf("%-52s %8.2f %8.2f %8.2f %8d%n", name, percentile(result, 0.50),
                percentile(result, 0.99), latencies.length == 0 ? 0 : latencies[latencies.length - 1] / 1e6,
                result[result.length - 1]);
    }

    private static double percentile(long[] result, double q) {
        int n = result.length - 1;
        return n == 0 ? Double.NaN : result[Math.min(n - 1, (int) Math.ceil(q * n) - 1)] / 1e6;
    }

    private static void waitFor(HttpClient http, String url, String expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().replace(" ", "").contains(expected)) {
                    return;
                }
            } catch (IOException notYet) {
                // the service is still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(url + " did not answer " + expected + " within " + timeout);
    }

    private static Properties producerProps(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

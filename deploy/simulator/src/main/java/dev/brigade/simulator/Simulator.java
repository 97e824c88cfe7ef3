package dev.brigade.simulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Plays the applications of the shipped use cases at a fixed rate: for each event it asks serving for a score (as an
 * application would before acting), then publishes the raw event, and publishes the event's label after a random
 * delay. Drift is injected through the control API ({@link ControlServer}). Counts are printed every 10 seconds.
 */
public final class Simulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Simulator.class.getName());

    private final SimulatorConfig config;
    private final Map<String, World> worlds = new LinkedHashMap<>();
    private final List<World> order = new ArrayList<>();
    private final ScoringClient scoring;
    private final EventPublisher publisher;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(named("sim-events"));
    private final ScheduledExecutorService labeller = Executors.newSingleThreadScheduledExecutor(named("sim-labels"));
    private final Random delays;
    private final CountDownLatch finished = new CountDownLatch(1);
    final Stats stats = new Stats();
    private final Map<String, SimEvent> pendingLabels = new ConcurrentHashMap<>();
    private long tick;

    /** Counters the control API reports. */
    static final class Stats {
        final AtomicLong events = new AtomicLong();
        final AtomicLong publishFailures = new AtomicLong();
        final AtomicLong labels = new AtomicLong();
        final AtomicLong labelsPending = new AtomicLong();
        final Map<ScoringClient.Outcome, AtomicLong> scoring = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();

        void scored(ScoringClient.Answer answer, String useCase) {
            scoring.computeIfAbsent(answer.outcome(), o -> new AtomicLong()).incrementAndGet();
            if (answer.modelVersion() != null) {
                servedBy.computeIfAbsent(useCase + " v" + answer.modelVersion() + " " + answer.variant(),
                        k -> new AtomicLong()).incrementAndGet();
            }
        }

        long scoring(ScoringClient.Outcome outcome) {
            AtomicLong n = scoring.get(outcome);
            return n == null ? 0 : n.get();
        }
    }

    public Simulator(SimulatorConfig config) {
        this.config = config;
        for (String useCase : config.useCases()) {
            World world = useCase.equals("card-fraud") ? new CardFraudWorld(config.seed())
                    : new DeliveryEtaWorld(config.seed() + 1);
            worlds.put(useCase, world);
            // Card transactions outnumber deliveries, as they would: three to one.
            int weight = useCase.equals("card-fraud") ? 3 : 1;
            for (int i = 0; i < weight; i++) {
                order.add(world);
            }
        }
        this.scoring = config.servingUrl() == null ? null : new ScoringClient(config.servingUrl(),
                config.scoreTimeout());
        this.publisher = new EventPublisher(config.bootstrapServers(), config.kafkaSecurity(), config.topicPrefix());
        this.delays = new Random(config.seed() + 99);
    }

    public static void main(String[] args) throws Exception {
        SimulatorConfig config;
        try {
            config = SimulatorConfig.from(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("simulator: " + e.getMessage());
            System.err.println("usage: --bootstrap-servers= --serving-url= (or none) --use-cases=card-fraud,delivery-eta"
                    + " --rate=20 --label-delay-ms=15000 --control-host=127.0.0.1 --control-port=8086 --seed=7 --duration-s=0");
            System.exit(2);
            return;
        }
        try (Simulator simulator = new Simulator(config); ControlServer control = new ControlServer(simulator,
                config.controlHost(), config.controlPort())) {
            Runtime.getRuntime().addShutdownHook(new Thread(simulator::stop, "sim-stop"));
            simulator.start();
            LOG.info(() -> "simulator: " + config.rate() + " events/s for " + config.useCases() + ", scoring at "
                    + (config.servingUrl() == null ? "(none)" : config.servingUrl()) + ", control on :"
                    + control.port());
            simulator.awaitEnd();
        }
    }

    public void start() {
        long periodMicros = Math.max(100, Math.round(1_000_000 / config.rate()));
        ticker.scheduleAtFixedRate(this::emitOne, 0, periodMicros, TimeUnit.MICROSECONDS);
        ticker.scheduleAtFixedRate(this::report, 10, 10, TimeUnit.SECONDS);
        if (!config.duration().isZero()) {
            // Not on the ticker: stop() shuts the ticker down, which would interrupt its own caller.
            Thread timer = new Thread(() -> {
                try {
                    Thread.sleep(config.duration().toMillis());
                    stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "sim-duration");
            timer.setDaemon(true);
            timer.start();
        }
    }

    void awaitEnd() throws InterruptedException {
        finished.await();
    }

    /**
     * Stops emitting. Labels still waiting for their delay are published now (a little early) rather than lost, so
     * every published event keeps exactly one label.
     */
    public synchronized void stop() {
        if (finished.getCount() == 0) {
            return;
        }
        try {
            ticker.shutdown(); // not shutdownNow: the event being scored is finished and published
            ticker.awaitTermination(10, TimeUnit.SECONDS);
            labeller.shutdownNow();
            labeller.awaitTermination(10, TimeUnit.SECONDS);
            for (SimEvent event : List.copyOf(pendingLabels.values())) {
                publishLabel(event);
            }
            publisher.flush();
            report();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    private void emitOne() {
        try {
            World world = order.get((int) (tick++ % order.size()));
            SimEvent event = world.next(Instant.now());
            if (scoring != null) {
                stats.scored(scoring.score(event), event.useCase());
            }
            publisher.raw(event, stats.publishFailures::incrementAndGet);
            stats.events.incrementAndGet();
            long delayMs = Math.max(50, Math.round(-Math.log(1 - delays.nextDouble()) * config.labelDelay().toMillis()));
            stats.labelsPending.incrementAndGet();
            pendingLabels.put(event.eventId(), event);
            labeller.schedule(() -> publishLabel(event), delayMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            // One bad tick must not end the schedule (an exception would cancel it for good).
            LOG.warning("simulator: event not emitted: " + e);
        }
    }

    /** Publishes the label once, whether its delay ran out or the simulator is stopping. */
    private void publishLabel(SimEvent event) {
        if (pendingLabels.remove(event.eventId()) != null) {
            publisher.label(event, Instant.now(), stats.publishFailures::incrementAndGet);
            stats.labelsPending.decrementAndGet();
            stats.labels.incrementAndGet();
        }
    }

    private void report() {
        LOG.info(() -> String.format("simulator: %d events, %d labels (%d pending), scoring %d ok / %d refused / %d"
                + " failed, publish failures %d, drift %s, served by %s", stats.events.get(), stats.labels.get(),
                stats.labelsPending.get(), stats.scoring(ScoringClient.Outcome.SCORED),
                stats.scoring(ScoringClient.Outcome.REFUSED), stats.scoring(ScoringClient.Outcome.FAILED),
                stats.publishFailures.get(), drifts(), stats.servedBy));
    }

    Map<String, String> drifts() {
        Map<String, String> out = new LinkedHashMap<>();
        worlds.forEach((name, world) -> out.put(name, world.drift().wire()));
        return out;
    }

    /** Events published so far. */
    public long events() {
        return stats.events.get();
    }

    /** Scoring calls that ended so (SCORED: a 200 with a score). */
    public long scoring(ScoringClient.Outcome outcome) {
        return stats.scoring(outcome);
    }

    /** Answers per "useCase vN VARIANT", as serving named them. */
    public Map<String, Long> servedBy() {
        Map<String, Long> out = new java.util.TreeMap<>();
        stats.servedBy.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** From now on, the use case's world drifts so. */
    public void drift(String useCase, Drift drift) {
        World world = worlds.get(useCase);
        if (world == null) {
            throw new IllegalArgumentException("not simulated: " + useCase);
        }
        world.drift(drift);
    }

    /** Null when the use case is not simulated. */
    World world(String useCase) {
        return worlds.get(useCase);
    }

    SimulatorConfig config() {
        return config;
    }

    @Override
    public void close() {
        stop();
        publisher.close();
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

}

package dev.brigade.serving.service;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.brigade.model.ModelArtifactCodec;
import dev.brigade.model.ModelArtifactException;
import dev.brigade.model.Scorer;
import dev.brigade.serving.ContractInput;
import dev.brigade.serving.Deployment;
import dev.brigade.serving.LoadedModel;
import dev.brigade.serving.ModelVersionInfo;
import dev.brigade.serving.UseCaseState;
import dev.brigade.serving.client.RegistryClient;
import dev.brigade.serving.config.ServingConfig;

/**
 * Keeps the models the registry's state asks for loaded, and publishes per use case an immutable {@link Deployment}
 * of loaded models that requests read with one map look-up.
 *
 * <p>Loading (download, sha256, decode, contract check, warm-up) runs on one loader thread, never on a request's.
 * A deployment is swapped only once its models are loaded, so a request sees either the old set or the new one.
 * Loaded: champion, canary, shadow, baseline, the previous champion (so a rollback is a swap, not a download) and the
 * newest version (likely the next to be promoted). A champion that fails to load leaves the last good one serving and
 * raises an alert.
 */
@ApplicationScoped
public class ModelStore {

    private static final Logger LOG = Logger.getLogger(ModelStore.class);

    private record Key(String useCase, int version) {
    }

    /** A version that could not be loaded, and why. */
    public record Failure(int version, String reason) {
    }

    private final ServingConfig config;
    private final RegistryClient registry;
    private final AlertPublisher alerts;
    private final ServingMetrics metrics;
    private final ScheduledExecutorService loader;

    private final Map<String, UseCaseState> desired = new ConcurrentHashMap<>();
    private final Map<Key, LoadedModel> loaded = new ConcurrentHashMap<>();
    private final Map<Key, Integer> pending = new ConcurrentHashMap<>();
    private final Map<Key, Failure> failed = new ConcurrentHashMap<>();
    private final Map<String, Deployment> deployments = new ConcurrentHashMap<>();
    /** Versions already alerted: a version retried after a promotion and failing again raises no second alert. */
    private final Set<Key> alerted = ConcurrentHashMap.newKeySet();

    ModelStore(ServingConfig config, RegistryClient registry, AlertPublisher alerts, ServingMetrics metrics) {
        this.config = config;
        this.registry = registry;
        this.alerts = alerts;
        this.metrics = metrics;
        this.loader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "model-loader");
            t.setDaemon(true);
            return t;
        });
    }

    @PreDestroy
    void stop() {
        loader.shutdownNow();
    }

    /** What serves the use case now; null for a use case the registry never registered. */
    public Deployment deployment(String useCase) {
        return deployments.get(useCase);
    }

    public Collection<Deployment> deployments() {
        return List.copyOf(deployments.values());
    }

    public List<Failure> failures(String useCase) {
        return failed.entrySet().stream().filter(e -> e.getKey().useCase().equals(useCase)).map(Map.Entry::getValue)
                .toList();
    }

    /**
     * Ready when no champion the registry names is still loading while nothing answers for its use case (failed ones
     * are alerted and do not block). A new champion loading behind the last good one does not make the replica
     * unready: the last good one answers meanwhile, and every replica loads the new one at the same moment, so
     * counting it would take every replica out of its Service at each promotion.
     */
    public boolean championsSettled() {
        return desired.values().stream()
                .noneMatch(s -> s.champion() != null && pending.containsKey(new Key(s.name(), s.champion()))
                        && !servesAChampion(s.name()));
    }

    private boolean servesAChampion(String useCase) {
        Deployment serving = deployments.get(useCase);
        return serving != null && serving.champion() != null;
    }

    /** The registry's new state of a use case: load what it needs, drop what it no longer needs, republish. */
    public synchronized void update(UseCaseState state) {
        UseCaseState before = desired.put(state.name(), state);
        if (before != null) {
            // A version that newly takes an alias gets a fresh chance even if it failed to load before.
            freshChance(state.name(), before.champion(), state.champion());
            freshChance(state.name(), before.canary(), state.canary());
            freshChance(state.name(), before.shadow(), state.shadow());
        }
        Set<Integer> wanted = wanted(state);
        for (int v : wanted) {
            Key key = new Key(state.name(), v);
            ModelVersionInfo info = state.versions().get(v);
            if (info != null && !loaded.containsKey(key) && !pending.containsKey(key) && !failed.containsKey(key)) {
                pending.put(key, 1);
                loader.execute(() -> load(key, info, 1));
            }
        }
        publish(state.name());
    }

    private void freshChance(String useCase, Integer before, Integer now) {
        if (now != null && !now.equals(before)) {
            failed.remove(new Key(useCase, now));
        }
    }

    private Set<Integer> wanted(UseCaseState state) {
        Set<Integer> wanted = new HashSet<>();
        for (Integer v : Arrays.asList(state.champion(), state.canary(), state.shadow(),
                state.previousChampion().orElse(null), state.baseline().orElse(null),
                state.newestVersion().orElse(null))) {
            if (v != null && state.versions().containsKey(v) && !state.versions().get(v).archived()) {
                wanted.add(v);
            }
        }
        Deployment current = deployments.get(state.name());
        if (current != null && current.champion() != null) {
            // The last good champion keeps serving until its successor is loaded.
            wanted.add(current.champion().version());
        }
        return wanted;
    }

    private synchronized void publish(String useCase) {
        UseCaseState state = desired.get(useCase);
        if (state == null) {
            return;
        }
        Deployment current = deployments.get(useCase);
        List<String> notes = List.of();
        LoadedModel champion = model(useCase, state.champion());
        if (champion == null && state.champion() != null) {
            LoadedModel lastGood = current == null ? null : current.champion();
            Failure failure = failed.get(new Key(useCase, state.champion()));
            notes = List.of("champion v" + state.champion() + (failure != null ? " failed to load: " + failure.reason()
                    : " is loading") + (lastGood != null ? "; v" + lastGood.version() + " keeps serving" : ""));
            champion = lastGood;
        }
        LoadedModel canary = model(useCase, state.canary());
        LoadedModel shadow = model(useCase, state.shadow());
        LoadedModel baseline = state.baseline().map(v -> model(useCase, v)).orElse(null);
        LoadedModel previous = state.previousChampion().map(v -> model(useCase, v)).orElse(null);
        if (canary != null && champion != null && canary.version() == champion.version()) {
            canary = null;
        }
        Deployment next = new Deployment(useCase, state, champion, canary,
                canary == null ? 0 : state.effectiveCanaryPercent(), shadow, baseline, previous, notes);
        deployments.put(useCase, next);
        String serving = serving(next);
        if (current == null || !serving.equals(serving(current))) {
            LOG.infof("%s now serves %s", useCase, serving);
        }
        evict(useCase, state, next);
    }

    private void evict(String useCase, UseCaseState state, Deployment serving) {
        Set<Integer> keep = wanted(state);
        serving.models().forEach(m -> keep.add(m.version()));
        loaded.keySet().removeIf(k -> k.useCase().equals(useCase) && !keep.contains(k.version()));
    }

    private LoadedModel model(String useCase, Integer version) {
        return version == null ? null : loaded.get(new Key(useCase, version));
    }

    private void load(Key key, ModelVersionInfo info, int attempt) {
        UseCaseState state = desired.get(key.useCase());
        if (state == null || !wanted(state).contains(key.version())) {
            pending.remove(key);
            return;
        }
        long started = System.nanoTime();
        try {
            byte[] bytes = registry.artifact(info.artifactSha256(), info.artifactSize());
            Scorer scorer = Scorer.of(ModelArtifactCodec.decode(bytes));
            checkContract(info, scorer);
            warmUp(scorer, config.models().warmupRows());
            loaded.put(key, new LoadedModel(key.useCase(), info, scorer));
            // Published before it leaves pending: readiness (championsSettled) must never be true while the
            // routing still answers "is loading", or a Service sends requests to a replica that refuses them.
            publish(key.useCase());
            pending.remove(key);
            metrics.modelLoad(key.useCase(), "loaded");
            LOG.infof("Loaded %s v%d (%s, %d inputs) in %d ms", key.useCase(), key.version(), scorer.task(),
                    scorer.inputCount(), (System.nanoTime() - started) / 1_000_000);
        } catch (RegistryClient.DownloadException e) {
            retryOrFail(key, info, attempt, e.getMessage(), e.retryable());
        } catch (ModelArtifactException | IllegalArgumentException | IllegalStateException e) {
            retryOrFail(key, info, attempt, e.getMessage(), false);
        } catch (RuntimeException e) {
            retryOrFail(key, info, attempt, e.toString(), false);
        }
    }

    private void retryOrFail(Key key, ModelVersionInfo info, int attempt, String reason, boolean retryable) {
        if (retryable && attempt < config.models().loadAttempts()) {
            long delay = config.models().retryBackoff().toMillis() << (attempt - 1);
            metrics.modelLoad(key.useCase(), "retry");
            LOG.warnf("Loading %s v%d failed (attempt %d): %s; retrying in %d ms", key.useCase(), key.version(),
                    attempt, reason, delay);
            loader.schedule(() -> load(key, info, attempt + 1), delay, TimeUnit.MILLISECONDS);
            return;
        }
        failed.put(key, new Failure(key.version(), reason));
        publish(key.useCase()); // before it leaves pending, as above
        pending.remove(key);
        metrics.modelLoad(key.useCase(), "failed");
        LOG.errorf("Cannot load %s v%d: %s", key.useCase(), key.version(), reason);
        if (!alerted.add(key)) {
            return;
        }
        Deployment serving = deployments.get(key.useCase());
        UseCaseState state = desired.get(key.useCase());
        boolean nothing = serving == null || !serving.canServe();
        String owner = state == null || state.spec() == null ? "unknown" : state.spec().deployOwner();
        alerts.modelLoadFailed(key.useCase(), key.version(), owner, reason, nothing,
                nothing ? "none" : serving.champion() != null ? "champion v" + serving.champion().version()
                        : "baseline v" + serving.baseline().version());
    }

    /** The artifact must take exactly the contract's inputs, in the contract's order. */
    static void checkContract(ModelVersionInfo info, Scorer scorer) {
        List<String> contract = info.inputs().stream().map(ContractInput::name).toList();
        if (!contract.equals(scorer.featureNames())) {
            throw new IllegalArgumentException("the artifact's inputs " + scorer.featureNames()
                    + " differ from the contract's " + contract);
        }
    }

    /** Scores rows around the imputation values so the JIT has compiled the path before real traffic. */
    static void warmUp(Scorer scorer, int rows) {
        Random random = new Random(42);
        double[] row = new double[scorer.inputCount()];
        double sink = 0;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < row.length; i++) {
                row[i] = random.nextInt(10) == 0 ? Double.NaN : scorer.imputation(i) * (0.5 + random.nextDouble());
            }
            sink += scorer.score(row);
        }
        if (Double.isInfinite(sink)) {
            LOG.debug("warm-up produced an infinite sum");
        }
    }

    /** The models a deployment serves, as logged when they change. */
    private static String serving(Deployment d) {
        return "champion " + label(d.champion()) + ", canary " + label(d.canary()) + " (" + d.canaryPercent()
                + "%), shadow " + label(d.shadow()) + ", baseline " + label(d.baseline());
    }

    private static String label(LoadedModel m) {
        return m == null ? "none" : "v" + m.version();
    }
}

package dev.brigade.monitor.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.brigade.events.AliasMoved;
import dev.brigade.events.ApprovalGiven;
import dev.brigade.events.GateEvaluated;
import dev.brigade.events.ModelVersionRegistered;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.UseCaseRegistered;
import dev.brigade.events.VersionArchived;
import dev.brigade.monitor.ReferenceProfile;
import dev.brigade.monitor.UseCaseSettings;
import dev.brigade.monitor.mapping.SpecMapper;

/**
 * The monitor's fold of registry-events: each use case's latest spec (rules, owners, cost matrix), its model versions
 * with their reference profiles and offline evaluation, and the aliases with their history. Read by the stream
 * processors (from their threads) and the dashboard.
 */
@ApplicationScoped
public class RegistryView {

    private static final Logger LOG = Logger.getLogger(RegistryView.class);

    public record Version(int version, String role, long registeredAt, String actor, String why, String owner,
            String trainingRunId, ReferenceProfile profile, Map<String, Double> offline, Boolean gatePassed,
            boolean archived, int approvals) {

        Version with(Boolean gate, boolean archivedNow, int approvalsNow) {
            return new Version(version, role, registeredAt, actor, why, owner, trainingRunId, profile, offline, gate,
                    archivedNow, approvalsNow);
        }
    }

    public record AliasMove(long at, String alias, Integer fromVersion, Integer toVersion, Double trafficPercent,
            String kind, String actor, String why) {
    }

    public record UseCase(String name, UseCaseSettings settings, Map<Integer, Version> versions,
            Map<String, Integer> aliases, Double canaryPercent, List<Integer> championStack, List<AliasMove> history) {
    }

    /** A feature-set version: the spec's, or the one a model version was trained on (its lineage). */
    public record FeatureSetRef(String name, int version) {
    }

    private final Map<String, UseCase> useCases = new ConcurrentHashMap<>();
    // Kept beside the use cases rather than in their records: only the data-contract panel reads them.
    private final Map<String, FeatureSetRef> specFeatureSets = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, FeatureSetRef>> versionFeatureSets = new ConcurrentHashMap<>();

    public synchronized void apply(RegistryEvent event) {
        String name = event.getUseCase();
        UseCase current = useCases.get(name);
        Object payload = event.getPayload();
        long at = event.getOccurredAt().toEpochMilli();
        if (payload instanceof UseCaseRegistered u) {
            UseCaseSettings settings = SpecMapper.settings(name, u.getSpecVersion(), u.getSpec());
            specFeatureSets.put(name, new FeatureSetRef(u.getFeatureSet(), u.getFeatureSetVersion()));
            useCases.put(name, current == null
                    ? new UseCase(name, settings, new TreeMap<>(), new TreeMap<>(), null, new ArrayList<>(),
                            new ArrayList<>())
                    : new UseCase(name, settings, current.versions(), current.aliases(), current.canaryPercent(),
                            current.championStack(), current.history()));
            return;
        }
        if (current == null) {
            LOG.debugf("Registry event %s for unknown use case %s ignored", event.getEventId(), name);
            return;
        }
        if (payload instanceof ModelVersionRegistered m) {
            ReferenceProfile profile;
            try {
                profile = SpecMapper.profile(m.getReferenceProfile());
            } catch (IllegalArgumentException e) {
                LOG.warnf("v%d of %s has an unreadable reference profile: %s", m.getVersion(), name, e.getMessage());
                profile = ReferenceProfile.EMPTY;
            }
            Map<String, Double> offline;
            try {
                offline = SpecMapper.offlineMetrics(m.getEvaluationReport());
            } catch (IllegalArgumentException e) {
                offline = Map.of();
            }
            versionFeatureSets.computeIfAbsent(name, k -> new ConcurrentHashMap<>()).put(m.getVersion(),
                    new FeatureSetRef(m.getLineage().getFeatureSet(), m.getLineage().getFeatureSetVersion()));
            current.versions().put(m.getVersion(), new Version(m.getVersion(), m.getRole().name().toLowerCase(), at,
                    event.getActor(), event.getWhy(), m.getContract().getOwner(), m.getLineage().getTrainingRunId(),
                    profile, offline, null, false, 0));
        } else if (payload instanceof GateEvaluated g) {
            current.versions().computeIfPresent(g.getVersion(), (k, v) -> v.with(g.getPassed(), v.archived(),
                    v.approvals()));
        } else if (payload instanceof ApprovalGiven a) {
            current.versions().computeIfPresent(a.getVersion(), (k, v) -> v.with(v.gatePassed(), v.archived(),
                    v.approvals() + 1));
        } else if (payload instanceof VersionArchived a) {
            current.versions().computeIfPresent(a.getVersion(), (k, v) -> v.with(v.gatePassed(), true,
                    v.approvals()));
        } else if (payload instanceof AliasMoved move) {
            String alias = move.getAlias().name().toLowerCase();
            Integer to = move.getToVersion();
            Double percent = current.canaryPercent();
            if (to == null) {
                current.aliases().remove(alias);
            } else {
                current.aliases().values().removeIf(v -> v.equals(to));
                current.aliases().put(alias, to);
            }
            if ("canary".equals(alias)) {
                percent = to == null ? null : move.getTrafficPercent();
            }
            if ("champion".equals(alias)) {
                List<Integer> stack = current.championStack();
                if ("ROLLBACK".equals(move.getKind().name())) {
                    if (!stack.isEmpty()) {
                        stack.remove(stack.size() - 1);
                    }
                } else if (to != null) {
                    stack.add(to);
                }
            }
            current.history().add(new AliasMove(at, alias, move.getFromVersion(), to, move.getTrafficPercent(),
                    move.getKind().name(), event.getActor(), event.getWhy()));
            useCases.put(name, new UseCase(name, current.settings(), current.versions(), current.aliases(), percent,
                    current.championStack(), current.history()));
        }
    }

    public Optional<UseCaseSettings> settings(String useCase) {
        return Optional.ofNullable(useCases.get(useCase)).map(UseCase::settings);
    }

    public synchronized Optional<Version> version(String useCase, int version) {
        return Optional.ofNullable(useCases.get(useCase)).map(u -> u.versions().get(version));
    }

    public ReferenceProfile profile(String useCase, int version) {
        return version(useCase, version).map(Version::profile).orElse(null);
    }

    /** The alias a version holds now, if any. */
    public synchronized Optional<String> aliasOf(String useCase, int version) {
        return Optional.ofNullable(useCases.get(useCase)).flatMap(u -> u.aliases().entrySet().stream()
                .filter(e -> e.getValue() == version).map(Map.Entry::getKey).findFirst());
    }

    /** The champion a rollback would return to. */
    public synchronized Optional<Integer> previousChampion(String useCase) {
        UseCase u = useCases.get(useCase);
        if (u == null || u.championStack().size() < 2) {
            return Optional.empty();
        }
        return Optional.of(u.championStack().get(u.championStack().size() - 2));
    }

    /** A consistent copy for readers outside the fold. */
    public synchronized List<UseCase> snapshot() {
        return new TreeMap<>(useCases).values().stream().map(u -> new UseCase(u.name(), u.settings(),
                new TreeMap<>(u.versions()), new TreeMap<>(u.aliases()), u.canaryPercent(),
                List.copyOf(u.championStack()), List.copyOf(u.history()))).toList();
    }

    /** The feature-set version the use case's latest spec names. */
    public Optional<FeatureSetRef> specFeatureSet(String useCase) {
        return Optional.ofNullable(specFeatureSets.get(useCase));
    }

    /** The feature-set version a model version was trained on. */
    public Optional<FeatureSetRef> versionFeatureSet(String useCase, int version) {
        return Optional.ofNullable(versionFeatureSets.getOrDefault(useCase, Map.of()).get(version));
    }

    public synchronized Optional<UseCase> useCase(String name) {
        return snapshot().stream().filter(u -> u.name().equals(name)).findFirst();
    }
}

package dev.brigade.registry.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.brigade.registry.Alias;
import dev.brigade.registry.AliasHolder;
import dev.brigade.registry.AliasMove;
import dev.brigade.registry.ModelVersion;
import dev.brigade.registry.UseCase;
import dev.brigade.registry.UseCaseSpec.PromotionPolicy;
import dev.brigade.registry.UseCaseSpec.RolloutStep;
import dev.brigade.registry.config.RegistryConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Moves gated versions along their use case's rollout by itself when the promotion policy says autoAdvance: the
 * newest version that passed its gate enters the first step at once, and moves to the next step once the current
 * one has held for its bake time. It obeys every rule a human deployer does (the same {@code moveAlias} checks:
 * gate against the current champion, approval before canary or champion), waits for an approval where one is
 * required, and never takes back a version that was rolled back or cleared: the monitor's and the humans' say wins.
 * Every move is an ordinary AliasMoved event by the actor {@value #ACTOR} with the reason.
 */
@ApplicationScoped
public class RolloutDriver {

    public static final String ACTOR = "rollout-driver";
    private static final Logger LOG = Logger.getLogger(RolloutDriver.class);

    /** A move to make now: the next alias (and canary share) for a version, with the why for the audit trail. */
    public record Move(int version, Alias alias, Double trafficPercent, String reason) {
    }

    private final RegistryService registry;
    private final WritePath writes;
    private final RegistryConfig config;
    private final Clock clock = Clock.systemUTC();
    private ScheduledExecutorService timer;

    RolloutDriver(RegistryService registry, WritePath writes, RegistryConfig config) {
        this.registry = registry;
        this.writes = writes;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rollout-driver");
            t.setDaemon(true);
            return t;
        });
        long every = config.rolloutInterval().toMillis();
        timer.scheduleWithFixedDelay(this::advanceAll, every, every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    void advanceAll() {
        if (writes.active().isEmpty()) {
            return; // only the active instance drives rollouts: a standby's moves would be forwarded twice over
        }
        for (UseCase useCase : registry.useCases()) {
            try {
                Optional<Move> move = decide(useCase, clock.instant());
                if (move.isPresent()) {
                    Move m = move.get();
                    registry.moveAlias(useCase.name(), m.alias(), m.version(), m.trafficPercent(), ACTOR, m.reason());
                }
            } catch (RegistryException e) {
                // A rule said no (e.g. a new champion since the gate): the version waits, as it would for a human.
                LOG.debugf("rollout of %s not advanced: %s", useCase.name(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warnf(e, "rollout of %s not advanced", useCase.name());
            }
        }
    }

    /** The move the rollout wants now for this use case, if any. Pure: the registry's rules still apply after. */
    public static Optional<Move> decide(UseCase useCase, Instant now) {
        if (useCase.specs().isEmpty()) {
            return Optional.empty();
        }
        PromotionPolicy policy = useCase.latestSpec().spec().promotionPolicy();
        if (!policy.advancesAutomatically()) {
            return Optional.empty();
        }
        Integer champion = useCase.championVersion().orElse(null);
        Optional<ModelVersion> newest = useCase.versions().stream()
                .filter(v -> v.role() == ModelVersion.Role.CANDIDATE && !v.archived() && v.gatePassed())
                .max(Comparator.comparingInt(ModelVersion::version));
        if (newest.isEmpty() || newest.get().version() == Optional.ofNullable(champion).orElse(-1)) {
            return Optional.empty();
        }
        ModelVersion candidate = newest.get();
        int v = candidate.version();
        if (champion != null && !champion.equals(candidate.gate().championVersion())) {
            return Optional.empty(); // gated against another champion: a fresh evaluation is needed first
        }
        if (wasTakenBack(useCase.aliasHistory(), v)) {
            return Optional.empty();
        }
        List<RolloutStep> steps = policy.rollout();
        int at = RolloutRules.stepOf(useCase, steps, v);
        int next = at + 1;
        while (next < steps.size() && steps.get(next).alias() == Alias.CANARY && champion == null) {
            next++; // no champion to share traffic with: canary steps do not apply
        }
        if (next >= steps.size()) {
            return Optional.empty();
        }
        RolloutStep target = steps.get(next);
        if (target.alias() != Alias.SHADOW && policy.requireApproval() && candidate.approvals().isEmpty()) {
            return Optional.empty(); // waits for a human approver
        }
        if (at < 0) {
            return Optional.of(new Move(v, target.alias(), target.trafficPercent(), "auto-rollout: v" + v
                    + " passed its gate; entering " + target.label()));
        }
        AliasHolder holder = useCase.holder(steps.get(at).alias());
        Duration bake = steps.get(at).bake() == null ? Duration.ZERO : steps.get(at).bake();
        if (holder == null || holder.since() == null || now.isBefore(holder.since().plus(bake))) {
            return Optional.empty();
        }
        return Optional.of(new Move(v, target.alias(), target.trafficPercent(), "auto-rollout: v" + v + " held "
                + steps.get(at).label() + " for " + bake + " without being taken back; moving to " + target.label()));
    }

    /** A rollback away from the version or a clear of its alias: someone decided against it. */
    private static boolean wasTakenBack(List<AliasMove> history, int version) {
        return history.stream().anyMatch(m -> m.fromVersion() != null && m.fromVersion() == version
                && (m.kind() == AliasMove.Kind.ROLLBACK || m.kind() == AliasMove.Kind.CLEAR));
    }
}

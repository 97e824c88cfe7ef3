package dev.brigade.registry.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.brigade.registry.Alias;
import dev.brigade.registry.GateCheck;
import dev.brigade.registry.GateResult;
import dev.brigade.registry.ModelVersion;
import dev.brigade.registry.UseCase;
import dev.brigade.registry.UseCaseSpec;
import dev.brigade.registry.UseCaseSpec.RolloutStep;

/**
 * The promotion rules: where a version is on its use case's rollout, and whether an alias may move to it now.
 * {@code moveAlias} applies them to every move, a deployer's or the rollout driver's.
 */
final class RolloutRules {

    private RolloutRules() {
    }

    /**
     * The promotion rules: a passed gate against the current champion, an approval where the policy wants one
     * (canary and champion: shadow takes no decisions), and the rollout's next step for this version. Canary steps
     * apply only when there is a champion to share traffic with.
     *
     * @return the canary's traffic percent, or null
     */
    static Double check(UseCase current, ModelVersion target, Alias alias, Double trafficPercent) {
        int v = target.version();
        if (target.archived()) {
            throw RegistryException.conflict("v" + v + " is archived");
        }
        if (!target.gatePassed()) {
            throw RegistryException.conflict("v" + v + " did not pass its gate"
                    + (target.gate() == null ? "" : ": " + failedChecks(target.gate())));
        }
        Integer champion = current.championVersion().orElse(null);
        if (alias != Alias.SHADOW && champion != null && champion != v
                && !champion.equals(target.gate().championVersion())) {
            throw RegistryException.conflict("v" + v + " was gated against " + (target.gate().championVersion() == null
                    ? "no champion" : "champion v" + target.gate().championVersion()) + " but the champion is now v"
                    + champion + ": register a version evaluated against v" + champion);
        }
        UseCaseSpec.PromotionPolicy policy = current.latestSpec().spec().promotionPolicy();
        if (alias != Alias.SHADOW && policy.requireApproval() && target.approvals().isEmpty()) {
            throw RegistryException.conflict("the promotion policy requires an approval of v" + v + " before "
                    + alias.wire());
        }
        List<RolloutStep> steps = policy.rollout();
        int at = stepOf(current, steps, v);
        if (alias != Alias.CANARY && trafficPercent != null) {
            throw RegistryException.badRequest("trafficPercent", "only a canary takes a share of traffic");
        }
        int wanted = -1;
        for (int i = 0; i < steps.size(); i++) {
            RolloutStep step = steps.get(i);
            if (step.alias() != alias) {
                continue;
            }
            boolean matches = alias != Alias.CANARY || (trafficPercent == null ? i > at
                    : step.trafficPercent().equals(trafficPercent));
            if (matches) {
                wanted = i;
                break;
            }
        }
        if (wanted < 0) {
            throw RegistryException.conflict("the rollout " + labels(steps) + " has no step " + alias.wire()
                    + (trafficPercent == null ? "" : " " + trafficPercent + "%") + " for v" + v);
        }
        if (wanted == at) {
            throw RegistryException.conflict("v" + v + " is already " + steps.get(at).label());
        }
        int next = next(steps, at, champion != null && champion != v);
        if (wanted != next) {
            throw RegistryException.conflict("v" + v + " is at " + (at < 0 ? "no step" : steps.get(at).label())
                    + " of the rollout " + labels(steps) + "; its next step is "
                    + (next < steps.size() ? steps.get(next).label() : "none") + ", not " + steps.get(wanted).label());
        }
        return steps.get(wanted).trafficPercent();
    }

    /** The rollout step the version is at, or -1. */
    static int stepOf(UseCase current, List<RolloutStep> steps, int version) {
        Optional<Alias> alias = current.aliasOf(version);
        if (alias.isEmpty()) {
            return -1;
        }
        Double percent = alias.get() == Alias.CANARY ? current.canary().trafficPercent() : null;
        for (int i = 0; i < steps.size(); i++) {
            RolloutStep step = steps.get(i);
            if (step.alias() == alias.get() && (percent == null || percent.equals(step.trafficPercent()))) {
                return i;
            }
        }
        return -1;
    }

    private static int next(List<RolloutStep> steps, int at, boolean championExists) {
        for (int i = at + 1; i < steps.size(); i++) {
            if (steps.get(i).alias() != Alias.CANARY || championExists) {
                return i;
            }
        }
        return steps.size();
    }

    private static String labels(List<RolloutStep> steps) {
        return String.join(" -> ", steps.stream().map(RolloutStep::label).toList());
    }

    private static String failedChecks(GateResult gate) {
        List<String> failed = new ArrayList<>();
        gate.checks().stream().filter(c -> c.outcome() == GateCheck.Outcome.FAILED)
                .forEach(c -> failed.add(c.name() + " (" + c.detail() + ")"));
        return String.join("; ", failed);
    }
}

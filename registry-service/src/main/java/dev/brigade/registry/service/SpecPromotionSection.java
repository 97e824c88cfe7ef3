package dev.brigade.registry.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.brigade.platform.document.Fields;
import dev.brigade.platform.document.Wire;
import dev.brigade.registry.Alias;
import dev.brigade.registry.UseCaseSpec.Check;
import dev.brigade.registry.UseCaseSpec.PromotionPolicy;
import dev.brigade.registry.UseCaseSpec.RolloutStep;
import dev.brigade.registry.UseCaseSpec.TaskType;

/**
 * Reads a spec's {@code promotionPolicy}: the gate's checks with their bounds, whether an approver signs off, and
 * the rollout (shadow, rising canary shares, then the one champion step; bakes where it advances by itself).
 */
final class SpecPromotionSection {

    private SpecPromotionSection() {
    }

    /** The section, or null when it is invalid (then the errors are in fields). */
    static PromotionPolicy read(Fields fields, Fields.Obj o, TaskType type) {
        List<String> checkNames = o.texts("checks", true, 1, "automated checks: "
                + Wire.choices(Check.class));
        List<Check> checks = new ArrayList<>();
        if (checkNames != null) {
            for (int i = 0; i < checkNames.size(); i++) {
                Check check = Wire.parse(Check.class, checkNames.get(i));
                if (check == null) {
                    fields.error(o.path("checks") + "[" + i + "]", "must be one of "
                            + Wire.choices(Check.class) + ", is \"" + checkNames.get(i) + "\"");
                } else {
                    checks.add(check);
                }
            }
        }
        Double minLift = o.number("minLift", false, "lift of the primary metric the CI lower bound must exceed", 0,
                false, Double.MAX_VALUE);
        Double margin = o.number("nonInferiorityMargin", false,
                "how much worse than the champion the CI lower bound may be", 0, true, Double.MAX_VALUE);
        if (checks.contains(Check.PRIMARY_METRIC)) {
            if (minLift == null && margin == null && o.any("minLift") == null
                    && o.any("nonInferiorityMargin") == null) {
                fields.error(o.path("minLift"),
                        "required: minLift or nonInferiorityMargin, for the primary-metric check");
            } else if (minLift != null && margin != null) {
                fields.error(o.path("nonInferiorityMargin"), "must not be given together with minLift: choose one");
            }
        }
        Double maxEce = o.number("maxCalibrationError", checks.contains(Check.CALIBRATION),
                "largest acceptable expected calibration error (ECE)", 0, true, 1);
        if (checks.contains(Check.CALIBRATION) && type == TaskType.REGRESSION) {
            fields.error(o.path("checks"), "calibration applies to classification only");
        }
        Boolean requireApproval = o.bool("requireApproval", true, "whether a human approver must sign off");
        Boolean autoAdvance = o.bool("autoAdvance", false,
                "whether the registry moves a gated version along the rollout by itself, after each step's bake");
        List<RolloutStep> rollout = rollout(fields, o.path("rollout"), o.objects("rollout", true, 1,
                "steps such as shadow, canary 10%, champion"));
        o.done();
        if (rollout != null && Boolean.TRUE.equals(autoAdvance)) {
            for (int i = 0; i < rollout.size() - 1; i++) {
                if (rollout.get(i).bake() == null) {
                    fields.error(o.path("rollout") + "[" + i + "].bake", "required with autoAdvance: how long the "
                            + rollout.get(i).label() + " step must hold before the next, e.g. 10m");
                }
            }
        }
        if (checkNames == null || checks.size() != checkNames.size() || requireApproval == null || rollout == null) {
            return null;
        }
        return new PromotionPolicy(List.copyOf(checks), minLift, margin, maxEce, requireApproval, rollout,
                autoAdvance);
    }

    private static List<RolloutStep> rollout(Fields fields, String at, List<Fields.Obj> items) {
        List<RolloutStep> steps = Sections.each(items, item -> {
            Alias alias = item.choice("alias", Alias.class, true, "the alias of this step");
            Double percent = null;
            if (alias == Alias.CANARY) {
                percent = item.number("trafficPercent", true, "share of traffic the canary takes", 0, true, 100);
                if (percent != null && percent >= 100) {
                    fields.error(item.path("trafficPercent"), "must be below 100: at 100% it is the champion");
                    percent = null;
                }
            } else if (item.any("trafficPercent") != null) {
                fields.error(item.path("trafficPercent"), "only a canary step takes a share of traffic");
            }
            Duration bake = item.duration("bake", false, "how long this step holds before the next (autoAdvance)");
            if (bake != null && alias == Alias.CHAMPION) {
                fields.error(item.path("bake"), "the champion step is the last: it has nothing to bake for");
            }
            item.done();
            return alias == null || (alias == Alias.CANARY && percent == null) ? null
                    : new RolloutStep(alias, percent, alias == Alias.CHAMPION ? null : bake);
        });
        if (steps == null) {
            return null;
        }
        if (steps.get(steps.size() - 1).alias() != Alias.CHAMPION
                || steps.stream().filter(s -> s.alias() == Alias.CHAMPION).count() != 1) {
            fields.error(at, "must end with the one champion step (e.g. shadow -> canary 10% -> champion)");
            return null;
        }
        int shadows = 0;
        double lastPercent = 0;
        boolean seenCanary = false;
        for (RolloutStep step : steps) {
            if (step.alias() == Alias.SHADOW) {
                shadows++;
                if (seenCanary) {
                    fields.error(at, "shadow comes before canary steps");
                    return null;
                }
            } else if (step.alias() == Alias.CANARY) {
                seenCanary = true;
                if (step.trafficPercent() <= lastPercent) {
                    fields.error(at, "canary steps must increase their traffic share");
                    return null;
                }
                lastPercent = step.trafficPercent();
            }
        }
        if (shadows > 1) {
            fields.error(at, "has at most one shadow step");
            return null;
        }
        return List.copyOf(steps);
    }
}

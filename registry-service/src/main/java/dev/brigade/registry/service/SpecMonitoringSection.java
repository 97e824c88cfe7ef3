package dev.brigade.registry.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.brigade.platform.document.Fields;
import dev.brigade.platform.document.Wire;
import dev.brigade.registry.UseCaseSpec.AlertAction;
import dev.brigade.registry.UseCaseSpec.AlertRule;
import dev.brigade.registry.UseCaseSpec.AlertSeverity;
import dev.brigade.registry.UseCaseSpec.RetrainingPolicy;
import dev.brigade.registry.UseCaseSpec.Signal;
import dev.brigade.registry.UseCaseSpec.When;

/** Reads what the monitor acts on in a spec: the {@code retrainingPolicy} and the {@code alertRules}. */
final class SpecMonitoringSection {

    private SpecMonitoringSection() {
    }

    /** The retraining policy, or null when it is invalid (then the errors are in fields). */
    static RetrainingPolicy retrainingPolicy(Fields fields, Fields.Obj o) {
        List<String> names = o.texts("signals", true, 1, "what may trigger retraining: "
                + Wire.choices(Signal.class));
        List<Signal> signals = new ArrayList<>();
        boolean ok = names != null;
        if (names != null) {
            for (int i = 0; i < names.size(); i++) {
                Signal signal = Wire.parse(Signal.class, names.get(i));
                if (signal == null) {
                    fields.error(o.path("signals") + "[" + i + "]", "must be one of "
                            + Wire.choices(Signal.class) + ", is \"" + names.get(i) + "\"");
                    ok = false;
                } else {
                    signals.add(signal);
                }
            }
        }
        Long minExamples = o.integer("minNewLabelledExamples", true,
                "new labelled examples needed before a retrain", 1, Long.MAX_VALUE);
        Duration cooldown = o.duration("cooldown", true, "least time between two runs");
        Long maxRuns = o.integer("maxRunsPerDay", true, "most runs in a day", 1, 1000);
        o.done();
        if (!ok || minExamples == null || cooldown == null || maxRuns == null) {
            return null;
        }
        return new RetrainingPolicy(List.copyOf(signals), minExamples, cooldown, maxRuns.intValue());
    }

    /** The alert rules, or null when they are invalid (then the errors are in fields). */
    static List<AlertRule> alertRules(Fields fields, Fields.Obj root) {
        List<Fields.Obj> items = root.objects("alertRules", true, 1, "what the monitor watches and who acts");
        Set<String> names = new HashSet<>();
        return Sections.each(items, item -> {
            String name = item.text("name", true, "the rule's name, unique in the use case");
            if (name != null && !names.add(name)) {
                fields.error(item.path("name"), "\"" + name + "\" is used by another rule");
            }
            String metric = item.text("metric", true, "the watched metric (e.g. psi.amount, auc, p99LatencyMs)");
            When when = item.choice("when", When.class, true, "whether the rule fires above or below the threshold");
            Double threshold = item.number("threshold", true, "the value that fires the rule", -Double.MAX_VALUE,
                    false, Double.MAX_VALUE);
            Long minSamples = item.integer("minSamples", true, "fewest samples in a window to judge it", 1,
                    Long.MAX_VALUE);
            Long persistence = item.integer("persistence", true, "consecutive windows before it fires", 1, 1000);
            AlertSeverity severity = item.choice("severity", AlertSeverity.class, true, "who is woken");
            String owner = item.text("owner", true, "who acts on the alert");
            String playbook = item.text("playbook", true, "what to do, as text or a link");
            AlertAction action = item.choice("action", AlertAction.class, true, "what the platform does");
            item.done();
            if (name == null || metric == null || when == null || threshold == null || minSamples == null
                    || persistence == null || severity == null || owner == null || playbook == null
                    || action == null) {
                return null;
            }
            return new AlertRule(name, metric, when, threshold, minSamples, persistence.intValue(), severity, owner,
                    playbook, action);
        });
    }
}

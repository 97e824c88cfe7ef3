package dev.brigade.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The metric names a Grafana dashboard's PromQL uses, held against what the services expose. Grafana and Prometheus
 * cannot run on the build machines, so the dashboard (deploy/grafana/dashboards/brigade.json) is kept honest this
 * way: {@code DashboardMetricsTest} checks every name against the Micrometer registrations in the sources, and an IT
 * that runs the platform can check them against live scrapes with {@link #missing(Path, Collection)}.
 *
 * <p>Only metric names are extracted: label names and values ({@code {...}}, {@code by (...)}), ranges
 * ({@code [5m]}), functions and aggregations ({@code rate(}, {@code sum by (le) (}), keywords, numbers, strings and
 * Grafana variables ({@code $use_case}, {@code $__rate_interval}) are skipped.
 */
final class DashboardMetrics {

    /** The Brigade dashboard shipped with the deployment files. */
    static final Path DASHBOARD = Path.of("deploy", "grafana", "dashboards", "brigade.json");

    /** Series Prometheus makes for each scrape target itself; no service exposes them. */
    static final Set<String> PROMETHEUS_SYNTHETIC = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added");

    /**
     * Dashboard metrics that are absent from /q/metrics until a particular event, with that event: Micrometer registers
     * a tagged counter on its first increment, so a healthy run that never saw the event has no such series. A live
     * check may allow these to be missing unless its run provoked the event ({@code DashboardMetricsTest} keeps every
     * key within the dashboard).
     */
    static final Map<String, String> ABSENT_UNTIL = Map.ofEntries(
            Map.entry("brigade_serving_errors_total", "a scoring request that fails or is degraded"),
            Map.entry("brigade_serving_prediction_log_dropped_total", "a prediction the log could not send"),
            Map.entry("brigade_serving_shadow_dropped_total", "a shadow scoring dropped on a full queue"),
            Map.entry("brigade_serving_imputed_inputs_total", "a model input imputed from training statistics"),
            Map.entry("brigade_intake_items_total", "a POST /v1/intake (the simulator writes raw-events to Kafka)"),
            Map.entry("brigade_features_contract_violations_total",
                    "a feature value that breaks its feature-set version's data contract"),
            Map.entry("brigade_registry_replay_refused_total", "a registry-events record the replay refuses"),
            Map.entry("brigade_registry_artifact_integrity_failures_total", "an artifact whose sha256 does not match"),
            Map.entry("brigade_registry_approvals_total", "a human approval of a model version"),
            Map.entry("brigade_registry_archives_total", "a model version archived"),
            Map.entry("brigade_monitor_dead_letters_total", "an input record the monitor dead-letters"),
            Map.entry("brigade_monitor_duplicates_total", "a redelivered prediction or label"),
            Map.entry("brigade_monitor_labels_expired_total", "a label later than the use case's maximum delay"),
            Map.entry("brigade_monitor_observations_late_total", "an observation for an already closed window"));

    private static final Set<String> KEYWORDS = Set.of(
            // aggregation operators, which may take their grouping before the parenthesis: sum by (le) (...)
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "limitk", "limit_ratio",
            // binary operators and modifiers
            "and", "or", "unless", "atan2", "bool", "offset", "by", "without", "on", "ignoring", "group_left",
            "group_right", "start", "end",
            // literals
            "inf", "nan");
    private static final Set<String> GROUPINGS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\s*\\((.*),\\s*[a-zA-Z_]\\w*\\s*\\)\\s*$",
            Pattern.DOTALL);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{\\s]", Pattern.MULTILINE);

    private DashboardMetrics() {
    }

    /**
     * The dashboard's metric names that appear in none of the scraped expositions, sorted; empty when all are there.
     * Meant for an IT that runs the platform: scrape each service's {@code /q/metrics} once traffic has flowed, then
     *
     * <pre>{@code
     * List<String> scrapes = Stream.of(Platform.FEATURE, Platform.TRAINING, Platform.REGISTRY, Platform.SERVING,
     *         Platform.MONITOR).map(s -> Http.get(platform.url(s) + "/q/metrics").body()).toList();
     * assertThat(DashboardMetrics.missing(Platform.repoRoot().resolve(DashboardMetrics.DASHBOARD), scrapes))
     *         .isSubsetOf(DashboardMetrics.ABSENT_UNTIL.keySet());   // the events this run did not provoke
     * }</pre>
     *
     * Names Prometheus itself adds ({@link #PROMETHEUS_SYNTHETIC}, e.g. {@code up}) are never reported.
     *
     * @param dashboard the Grafana dashboard JSON file
     * @param scrapedExpositions Prometheus text expositions, one per scraped service (any order)
     */
    static List<String> missing(Path dashboard, Collection<String> scrapedExpositions) throws IOException {
        Set<String> exposed = new TreeSet<>();
        for (String exposition : scrapedExpositions) {
            exposed.addAll(exposedNames(exposition));
        }
        List<String> missing = new ArrayList<>();
        for (String name : names(dashboard)) {
            if (!exposed.contains(name) && !PROMETHEUS_SYNTHETIC.contains(name)) {
                missing.add(name);
            }
        }
        return missing;
    }

    /** {@link #missing(Path, Collection)} for the shipped dashboard, {@link #DASHBOARD} in this repository. */
    static List<String> missing(Collection<String> scrapedExpositions) throws IOException {
        return missing(Platform.repoRoot().resolve(DASHBOARD), scrapedExpositions);
    }

    /** Every metric name the dashboard's queries use: panel targets (rows included), annotations, variables. */
    static Set<String> names(Path dashboard) throws IOException {
        Set<String> names = new TreeSet<>();
        for (String expr : expressions(new ObjectMapper().readTree(dashboard.toFile()))) {
            names.addAll(namesIn(expr));
        }
        return names;
    }

    /** The PromQL of every panel target (panels nested in collapsed rows too), annotation and query variable. */
    static List<String> expressions(JsonNode dashboard) {
        List<String> expressions = new ArrayList<>();
        collectTargets(dashboard.path("panels"), expressions);
        for (JsonNode annotation : dashboard.path("annotations").path("list")) {
            if (annotation.hasNonNull("expr")) {
                expressions.add(annotation.get("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (!"query".equals(variable.path("type").asText())) {
                continue;
            }
            JsonNode query = variable.path("query");
            String text = query.isObject() ? query.path("query").asText("") : query.asText("");
            Matcher labelValues = LABEL_VALUES.matcher(text);
            // label_values(metric{...}, label) is Grafana's, not PromQL: only its first argument is a selector.
            expressions.add(labelValues.matches() ? labelValues.group(1) : text);
        }
        expressions.removeIf(String::isBlank);
        return expressions;
    }

    private static void collectTargets(JsonNode panels, List<String> out) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    out.add(target.get("expr").asText());
                }
            }
            collectTargets(panel.path("panels"), out);
        }
    }

    /** The metric names in one PromQL expression (Grafana variables allowed). */
    static Set<String> namesIn(String promql) {
        Set<String> names = new TreeSet<>();
        int i = 0;
        int n = promql.length();
        while (i < n) {
            char c = promql.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                i = skipString(promql, i);
            } else if (c == '{') {
                i = skipTo(promql, i, '}'); // label matchers
            } else if (c == '[') {
                i = skipTo(promql, i, ']'); // range or subquery resolution
            } else if (c == '$') {
                i = skipVariable(promql, i);
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(promql.charAt(i + 1)))) {
                i = skipNumber(promql, i);
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(promql.charAt(i)) || promql.charAt(i) == '_'
                        || promql.charAt(i) == ':')) {
                    i++;
                }
                String word = promql.substring(start, i);
                int next = skipSpace(promql, i);
                boolean call = next < n && promql.charAt(next) == '(';
                if (GROUPINGS.contains(word) && call) {
                    i = skipTo(promql, next, ')'); // by (le, use_case): label names
                } else if (!call && !KEYWORDS.contains(word.toLowerCase())) {
                    names.add(word);
                }
            } else {
                i++;
            }
        }
        return names;
    }

    /** The sample names in a Prometheus text exposition (comments skipped). */
    static Set<String> exposedNames(String exposition) {
        Set<String> names = new TreeSet<>();
        Matcher m = SAMPLE.matcher(exposition);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static int skipString(String s, int i) {
        char quote = s.charAt(i);
        i++;
        while (i < s.length() && s.charAt(i) != quote) {
            i += s.charAt(i) == '\\' && quote != '`' ? 2 : 1;
        }
        return i + 1;
    }

    /** Past the closing character, stepping over quoted strings (a label value may hold '}' or ')'). */
    private static int skipTo(String s, int i, char close) {
        i++;
        while (i < s.length() && s.charAt(i) != close) {
            char c = s.charAt(i);
            i = c == '"' || c == '\'' || c == '`' ? skipString(s, i) : i + 1;
        }
        return i + 1;
    }

    /** A Grafana variable, with any name characters glued to it: ${metric}_total is a name no check can know. */
    private static int skipVariable(String s, int i) {
        i++;
        if (i < s.length() && s.charAt(i) == '{') {
            i = skipTo(s, i, '}');
        }
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_'
                || s.charAt(i) == ':')) {
            i++;
        }
        return i;
    }

    /** A number or a duration: 0.99, 1e-3, 5m, 1h30m. */
    private static int skipNumber(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '.' || c == '_') {
                i++;
            } else if ((c == '+' || c == '-') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}

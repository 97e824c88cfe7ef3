package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Grafana dashboard (deploy/grafana/dashboards/brigade.json) cannot be rendered here, so it is held to the code:
 * it must be well-formed Grafana JSON, and every metric its PromQL uses must be one the services register with
 * Micrometer (or one Quarkus' binders expose). Renaming a meter without the dashboard fails this test.
 */
class DashboardMetricsTest {

    private static final List<String> SERVICES = List.of(Platform.FEATURE, Platform.TRAINING, Platform.REGISTRY,
            Platform.SERVING, Platform.MONITOR);

    /** Meters of Quarkus' micrometer binders (JVM, process, HTTP server, Kafka clients) the dashboard uses. */
    private static final Set<String> FRAMEWORK_METRICS = Set.of("jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum",
            "jvm_threads_live_threads", "process_cpu_usage", "http_server_requests_seconds_count",
            "kafka_consumer_fetch_manager_records_lag", "kafka_stream_alive_stream_threads");

    private static final Pattern REGISTRATION = Pattern.compile(
            "\\b(Counter|Timer|Gauge|DistributionSummary|FunctionCounter|FunctionTimer)\\s*\\.builder\\(\\s*\"([a-z][\\w.]*)\""
                    + "|\\b(counter|gauge|timer|summary)\\(\\s*\"([a-z][\\w.]*)\""
                    + "|@(Timed|Counted)\\(\\s*(?:value\\s*=\\s*)?\"([a-z][\\w.]*)\"([^)]*)\\)");
    private static final Pattern BASE_UNIT = Pattern.compile("\\.baseUnit\\(\\s*\"(\\w+)\"");

    private final Path dashboard = Platform.repoRoot().resolve(DashboardMetrics.DASHBOARD);

    @Test
    void dashboardIsGrafanaJsonWithAQueryInEveryDataPanel() throws IOException {
        // Given the shipped dashboard
        JsonNode json = new ObjectMapper().readTree(dashboard.toFile());

        // Then it is a dashboard model Grafana provisions: uid, title, schema version, panels on the grid
        assertThat(json.path("uid").asText()).isEqualTo("brigade-platform");
        assertThat(json.path("title").asText()).isNotBlank();
        assertThat(json.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(json.path("panels").size()).isGreaterThan(20);

        // And a row per station, each data panel with a position, the templated data source and PromQL targets
        List<String> rows = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : json.path("panels")) {
            String title = panel.path("title").asText();
            assertThat(ids.add(panel.path("id").asInt())).as("unique id of %s", title).isTrue();
            assertThat(panel.path("gridPos").path("w").asInt()).as(title).isBetween(1, 24);
            assertThat(panel.path("gridPos").path("x").asInt() + panel.path("gridPos").path("w").asInt()).as(title)
                    .isLessThanOrEqualTo(24);
            switch (panel.path("type").asText()) {
                case "row" -> rows.add(title);
                case "text" -> assertThat(panel.path("options").path("content").asText()).as(title).isNotBlank();
                default -> {
                    assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
                    assertThat(panel.path("targets").size()).as(title).isPositive();
                    for (JsonNode target : panel.path("targets")) {
                        assertThat(target.path("refId").asText()).as(title).isNotBlank();
                        assertThat(DashboardMetrics.namesIn(target.path("expr").asText())).as(title).isNotEmpty();
                    }
                }
            }
        }
        assertThat(String.join("\n", rows)).contains("serving-service", "feature-service", "training-service",
                "registry-service", "monitor-service");
        assertThat(json.path("templating").path("list").findValuesAsText("name")).contains("datasource", "use_case");
    }

    @Test
    void extractorFindsTheDashboardsMetricNames() throws IOException {
        // When the names are read from the dashboard
        Set<String> names = DashboardMetrics.names(dashboard);

        // Then the station's key series are there, and nothing that is a label, a function or a keyword
        assertThat(names).contains("brigade_serving_requests_total", "brigade_serving_latency_seconds_bucket",
                "brigade_serving_errors_total", "brigade_serving_cpu_seconds_sum", "brigade_serving_cpu_seconds_count",
                "brigade_serving_prediction_log_dropped_total", "brigade_intake_items_total",
                "brigade_features_outcomes_total", "brigade_features_backfill_progress",
                "brigade_features_lookup_seconds_bucket", "brigade_training_runs_total", "brigade_registry_gates_total",
                "brigade_registry_alias_moves_total", "brigade_monitor_alerts_total",
                "brigade_monitor_windows_closed_total", "process_cpu_usage", "up");
        assertThat(names).allMatch(n -> n.matches("[a-z_:][a-z0-9_:]*"))
                .doesNotContain("le", "by", "sum", "rate", "histogram_quantile", "use_case", "variant", "job",
                        "label_values", "vector", "increase", "changes");
        assertThat(names).containsAll(DashboardMetrics.ABSENT_UNTIL.keySet());
    }

    @Test
    void extractorSkipsLabelsFunctionsKeywordsNumbersAndVariables() {
        assertThat(DashboardMetrics.namesIn("histogram_quantile(0.99, sum by (le, use_case) "
                + "(rate(a_seconds_bucket{use_case=~\"$use_case\", kind=\"x}y\"}[$__rate_interval])))"))
                .containsExactly("a_seconds_bucket");
        assertThat(DashboardMetrics.namesIn("sum without (instance) (rate(b_total[5m] offset 1h)) / on (job) "
                + "group_left c * 1e-3 + 2 > bool 0.5 or vector(0) unless SUM(d) and max_over_time(e[1h:5m])"))
                .containsExactly("b_total", "c", "d", "e");
        assertThat(DashboardMetrics.namesIn("up{job=\"x\"} == 1")).containsExactly("up");
        assertThat(DashboardMetrics.namesIn("${metric}_total + f")).containsExactly("f");
    }

    @Test
    void missingNamesWhatNoScrapeExposes() throws IOException {
        // Given scrapes that expose all the dashboard's names but one
        Set<String> names = DashboardMetrics.names(dashboard);
        StringBuilder scrape = new StringBuilder("# HELP x x\n# TYPE x counter\n");
        for (String name : names) {
            if (!name.equals("brigade_training_runs_total")) {
                scrape.append(name).append("{a=\"b\"} 1.0\n");
            }
        }

        // When they are checked, half the samples in each of two scrapes
        List<String> lines = scrape.toString().lines().toList();
        String first = String.join("\n", lines.subList(0, lines.size() / 2));
        String second = String.join("\n", lines.subList(lines.size() / 2, lines.size()));

        // Then just that one is missing (up is Prometheus' own and never missing)
        assertThat(DashboardMetrics.missing(dashboard, List.of(first, second)))
                .containsExactly("brigade_training_runs_total");
        assertThat(DashboardMetrics.exposedNames("process_cpu_usage 0.25\njvm_x{a=\"1\"} 2\n# TYPE y gauge\n"))
                .containsExactly("jvm_x", "process_cpu_usage");
    }

    @Test
    void everyBrigadeMetricTheDashboardUsesIsRegisteredInTheServices() throws IOException {
        // Given the Prometheus names the services' Micrometer registrations produce
        Map<String, String> registered = registeredPrometheusNames();
        assertThat(registered).containsKeys("brigade_serving_latency_seconds_bucket", "brigade_intake_items_total");

        // When the dashboard's names are looked up
        List<String> unknown = new ArrayList<>();
        for (String name : DashboardMetrics.names(dashboard)) {
            boolean known = name.startsWith("brigade_") ? registered.containsKey(name)
                    : FRAMEWORK_METRICS.contains(name) || DashboardMetrics.PROMETHEUS_SYNTHETIC.contains(name);
            if (!known) {
                unknown.add(name);
            }
        }

        // Then each is registered (a rename in the code without the dashboard lands here)
        assertThat(unknown).as("dashboard metrics no service registers; registered: %s", registered.keySet())
                .isEmpty();
    }

    @Test
    void frameworkMetricsComeFromTheMicrometerPrometheusRegistryOfEveryService() throws IOException {
        for (String service : SERVICES) {
            assertThat(Files.readString(Platform.repoRoot().resolve(service).resolve("pom.xml"))).as(service)
                    .contains("quarkus-micrometer-registry-prometheus");
        }
    }

    @Test
    void dashboardSelectsServicesByThePrometheusJobNames() throws IOException {
        // Given the jobs of deploy/prometheus/prometheus.yml
        Map<String, Object> config = new Yaml().load(
                Files.readString(Platform.repoRoot().resolve("deploy/prometheus/prometheus.yml")));
        Set<String> jobs = new TreeSet<>();
        for (Object job : (List<?>) config.get("scrape_configs")) {
            jobs.add((String) ((Map<?, ?>) job).get("job_name"));
        }
        assertThat(jobs).containsExactlyInAnyOrderElementsOf(SERVICES);

        // Then every job="..." the dashboard selects is one of them
        Pattern selection = Pattern.compile("job=~?\"([^\"]+)\"");
        int selections = 0;
        for (String expr : DashboardMetrics.expressions(new ObjectMapper().readTree(dashboard.toFile()))) {
            Matcher m = selection.matcher(expr);
            while (m.find()) {
                selections++;
                for (String job : m.group(1).split("\\|")) {
                    if (!job.startsWith("$")) {
                        assertThat(jobs).as("job in %s", expr).contains(job);
                    }
                }
            }
        }
        assertThat(selections).isPositive();
    }

    /**
     * Prometheus sample names of every meter registered in the services' main sources, each mapped to the Micrometer
     * name it comes from: a counter {@code a.b} is {@code a_b_total}; a timer {@code a_b_seconds_count|sum|max} (and
     * {@code _bucket} with a percentile histogram); a distribution summary the same with its base unit; a gauge
     * {@code a_b} (plus its base unit).
     */
    private static Map<String, String> registeredPrometheusNames() throws IOException {
        Map<String, String> names = new TreeMap<>();
        for (String service : SERVICES) {
            try (Stream<Path> files = Files.walk(Platform.repoRoot().resolve(service).resolve("src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    collect(Files.readString(file), names);
                }
            }
        }
        return names;
    }

    private static void collect(String source, Map<String, String> names) {
        Matcher m = REGISTRATION.matcher(source);
        while (m.find()) {
            String kind;
            String name;
            boolean histogram;
            String unit = null;
            if (m.group(1) != null || m.group(3) != null) {
                kind = m.group(1) != null ? m.group(1) : m.group(3);
                name = m.group(1) != null ? m.group(2) : m.group(4);
                // the builder chain up to register(...): histogram and base unit options
                int end = source.indexOf(".register(", m.end());
                String chain = end < 0 ? "" : source.substring(m.end(), end);
                histogram = chain.contains("publishPercentileHistogram") || chain.contains("serviceLevelObjectives");
                Matcher u = BASE_UNIT.matcher(chain);
                unit = u.find() ? u.group(1) : null;
            } else {
                kind = m.group(5);
                name = m.group(6);
                histogram = m.group(7).matches("(?s).*histogram\\s*=\\s*true.*");
            }
            String base = name.replace('.', '_');
            switch (kind.toLowerCase()) {
                case "counter", "counted", "functioncounter" -> names.put(withUnit(base, unit) + "_total", name);
                case "gauge" -> names.put(withUnit(base, unit), name);
                default -> { // timers (seconds) and distribution summaries
                    boolean timer = kind.equalsIgnoreCase("timer") || kind.equals("Timed")
                            || kind.equals("FunctionTimer");
                    String family = withUnit(base, timer ? "seconds" : unit);
                    for (String suffix : histogram ? List.of("_count", "_sum", "_max", "_bucket")
                            : List.of("_count", "_sum", "_max")) {
                        names.put(family + suffix, name);
                    }
                }
            }
        }
    }

    private static String withUnit(String base, String unit) {
        return unit == null || base.endsWith("_" + unit) ? base : base + "_" + unit;
    }
}

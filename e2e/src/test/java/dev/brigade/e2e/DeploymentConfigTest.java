package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import dev.brigade.simulator.SimulatorConfig;

/**
 * docker-compose.yml and deploy/k8s cannot run here (no Docker, no cluster), so they are held to the code: every
 * environment variable they give a service must be one that service reads, and every service is deployed with its
 * health probes. A renamed setting fails this test instead of silently falling back to a default in production.
 */
class DeploymentConfigTest {

    private static final List<String> SERVICES = List.of(Platform.FEATURE, Platform.TRAINING, Platform.REGISTRY,
            Platform.SERVING, Platform.MONITOR);
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

    @Test
    void composeGivesEachServiceOnlySettingsItReads() throws IOException {
        // Given docker-compose.yml with its anchors resolved
        Map<String, Object> compose = load(Platform.repoRoot().resolve("docker-compose.yml")).get(0);
        Map<String, Object> services = map(compose.get("services"));

        // Then the five services, the broker and the simulator are there
        assertThat(services).containsKeys("kafka", "simulator");
        assertThat(services).containsKeys(SERVICES.toArray(String[]::new));

        // And each variable set on a service is one of its settings
        List<String> unknown = new ArrayList<>();
        for (String name : services.keySet()) {
            if (!map(services.get(name)).containsKey("build")) {
                continue; // official images (Kafka, Prometheus, Grafana): their settings are theirs, not ours
            }
            Set<String> known = settingsOf(name);
            Map<String, Object> environment = map(map(services.get(name)).get("environment"));
            for (String variable : environment.keySet()) {
                if (!known.contains(variable)) {
                    unknown.add(name + ": " + variable);
                }
            }
            if (SERVICES.contains(name)) {
                assertThat(environment).as(name).containsKeys("KAFKA_BOOTSTRAP_SERVERS", "BRIGADE_HTTP_PORT");
                assertThat(map(map(services.get(name)).get("healthcheck")).get("test").toString())
                        .as(name).contains("/q/health/ready");
            }
        }
        assertThat(unknown).as("variables the services do not read").isEmpty();
    }

    @Test
    void kubernetesGivesEachServiceOnlySettingsItReadsWithProbesAndResources() throws IOException {
        // Given every manifest under deploy/k8s, and the shared ConfigMap every service loads
        List<Map<String, Object>> documents = new ArrayList<>();
        try (var files = Files.list(Platform.repoRoot().resolve("deploy/k8s"))) {
            for (Path file : files.sorted().toList()) {
                if (!file.getFileName().toString().equals("kustomization.yaml")) {
                    documents.addAll(load(file));
                }
            }
        }
        Map<String, Set<String>> configMaps = new HashMap<>();
        for (Map<String, Object> doc : documents) {
            if ("ConfigMap".equals(doc.get("kind")) || "Secret".equals(doc.get("kind"))) {
                Object data = doc.containsKey("data") ? doc.get("data") : doc.get("stringData");
                configMaps.put(name(doc), map(data).keySet());
            }
        }

        // Then each Deployment's variables are settings of its container, with probes and resource requests
        List<String> unknown = new ArrayList<>();
        Set<String> deployed = new TreeSet<>();
        boolean servingAutoscaled = false;
        for (Map<String, Object> doc : documents) {
            if ("HorizontalPodAutoscaler".equals(doc.get("kind"))) {
                servingAutoscaled |= map(map(doc.get("spec")).get("scaleTargetRef")).get("name")
                        .equals(Platform.SERVING);
            }
            if (!"Deployment".equals(doc.get("kind"))) {
                continue;
            }
            Map<String, Object> pod = map(map(map(doc.get("spec")).get("template")).get("spec"));
            for (Object c : (List<?>) pod.get("containers")) {
                Map<String, Object> container = map(c);
                String name = (String) container.get("name");
                deployed.add(name);
                Set<String> known = settingsOf(name);
                List<String> variables = new ArrayList<>();
                for (Object e : list(container.get("env"))) {
                    variables.add((String) map(e).get("name"));
                }
                for (Object from : list(container.get("envFrom"))) {
                    Map<String, Object> ref = map(from);
                    Object source = ref.containsKey("configMapRef") ? ref.get("configMapRef") : ref.get("secretRef");
                    variables.addAll(configMaps.getOrDefault((String) map(source).get("name"), Set.of()));
                }
                for (String variable : variables) {
                    if (!known.contains(variable)) {
                        unknown.add(name + ": " + variable);
                    }
                }
                assertThat(map(container.get("resources"))).as(name).containsKey("requests");
                if (SERVICES.contains(name)) {
                    assertThat(map(map(container.get("readinessProbe")).get("httpGet")).get("path"))
                            .as(name).isEqualTo("/q/health/ready");
                    assertThat(map(map(container.get("livenessProbe")).get("httpGet")).get("path"))
                            .as(name).isEqualTo("/q/health/live");
                }
            }
        }
        assertThat(deployed).containsAll(SERVICES);
        assertThat(servingAutoscaled).as("an autoscaler for serving").isTrue();
        assertThat(unknown).as("variables the containers do not read").isEmpty();
    }

    @Test
    void composeScrapesEveryServiceAndProvisionsGrafanaFromTheRepository() throws IOException {
        // Given docker-compose.yml and the Prometheus configuration it mounts
        Map<String, Object> services = map(load(Platform.repoRoot().resolve("docker-compose.yml")).get(0).get("services"));
        Map<String, Object> prometheus = map(services.get("prometheus"));
        Map<String, Object> grafana = map(services.get("grafana"));

        // Then both run official images at a pinned version, with their configuration mounted read-only from the repo
        assertThat((String) prometheus.get("image")).matches("prom/prometheus:v\\d+\\.\\d+\\.\\d+");
        assertThat((String) grafana.get("image")).matches("grafana/grafana:\\d+\\.\\d+\\.\\d+");
        for (Map<String, Object> service : List.of(prometheus, grafana)) {
            for (Object volume : list(service.get("volumes"))) {
                String[] parts = ((String) volume).split(":");
                if (parts[0].startsWith("./")) {
                    assertThat(Platform.repoRoot().resolve(parts[0].substring(2))).as(parts[0]).exists();
                    assertThat(parts).as((String) volume).hasSize(3).endsWith("ro");
                }
            }
        }
        assertThat(list(grafana.get("volumes")).toString()).contains("./deploy/grafana/provisioning:",
                "./deploy/grafana/dashboards:");
        assertThat(list(prometheus.get("volumes")).toString()).contains("./deploy/prometheus/prometheus.yml:");

        // And Prometheus scrapes /q/metrics of each of the five services on the port it listens on, one job each
        Map<String, Object> config = load(Platform.repoRoot().resolve("deploy/prometheus/prometheus.yml")).get(0);
        Map<String, String> targets = new HashMap<>();
        for (Object job : list(config.get("scrape_configs"))) {
            Map<String, Object> scrape = map(job);
            assertThat(scrape.get("metrics_path")).as(scrape.get("job_name").toString()).isEqualTo("/q/metrics");
            List<?> statics = list(map(list(scrape.get("static_configs")).get(0)).get("targets"));
            targets.put((String) scrape.get("job_name"), (String) statics.get(0));
        }
        Map<String, String> expected = new HashMap<>();
        for (String service : SERVICES) {
            expected.put(service, service + ":" + map(map(services.get(service)).get("environment"))
                    .get("BRIGADE_HTTP_PORT"));
        }
        assertThat(targets).isEqualTo(expected);

        // And the Grafana data source points at that Prometheus
        Map<String, Object> datasources = load(
                Platform.repoRoot().resolve("deploy/grafana/provisioning/datasources/prometheus.yml")).get(0);
        Map<String, Object> datasource = map(list(datasources.get("datasources")).get(0));
        assertThat(datasource.get("type")).isEqualTo("prometheus");
        assertThat(datasource.get("url")).isEqualTo("http://prometheus:" + ((String) list(prometheus.get("ports"))
                .get(0)).split(":")[1]);
    }

    @Test
    void kubernetesPodsAreScrapedAndTheDashboardIsAConfigMap() throws IOException {
        // Given the service Deployments under deploy/k8s
        for (String service : SERVICES) {
            Map<String, Object> deployment = load(Platform.repoRoot().resolve("deploy/k8s/" + service + ".yaml"))
                    .stream().filter(d -> "Deployment".equals(d.get("kind"))).findFirst().orElseThrow();
            Map<String, Object> template = map(map(deployment.get("spec")).get("template"));
            Map<String, Object> annotations = map(map(template.get("metadata")).get("annotations"));
            Map<String, Object> container = map(list(map(template.get("spec")).get("containers")).get(0));

            // Then Prometheus is told to scrape /q/metrics on the container's port
            assertThat(annotations).as(service).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/path", "/q/metrics").containsEntry("prometheus.io/port",
                            String.valueOf(map(list(container.get("ports")).get(0)).get("containerPort")));
        }

        // And kustomize builds the dashboard ConfigMap from the very JSON file docker-compose provisions
        List<Object> resources = List.copyOf(list(load(Platform.repoRoot().resolve("deploy/k8s/kustomization.yaml"))
                .get(0).get("resources")));
        assertThat(resources).contains("../grafana");
        Map<String, Object> generator = map(list(load(Platform.repoRoot().resolve("deploy/grafana/kustomization.yaml"))
                .get(0).get("configMapGenerator")).get(0));
        assertThat(List.<Object>copyOf(list(generator.get("files")))).containsExactly("dashboards/brigade.json");
        assertThat(Platform.repoRoot().resolve("deploy/grafana/dashboards/brigade.json")).exists();
        assertThat(map(map(generator.get("options")).get("labels"))).containsEntry("grafana_dashboard", "1");
    }

    @Test
    void kafkaKeepsItsLogOnTheMountedVolumeWithAPinnedClusterId() throws IOException {
        // Given the broker of docker-compose.yml and the broker StatefulSet of deploy/k8s
        Map<String, Object> compose = map(map(load(Platform.repoRoot().resolve("docker-compose.yml")).get(0)
                .get("services")).get("kafka"));
        Map<String, Object> statefulSet = load(Platform.repoRoot().resolve("deploy/k8s/kafka.yaml")).stream()
                .filter(d -> "StatefulSet".equals(d.get("kind"))).findFirst().orElseThrow();
        Map<String, Object> container = map(list(map(map(map(statefulSet.get("spec")).get("template")).get("spec"))
                .get("containers")).get(0));
        Map<String, Object> k8sEnv = new HashMap<>();
        for (Object e : list(container.get("env"))) {
            k8sEnv.put((String) map(e).get("name"), map(e).get("value"));
        }

        // Then the image's log dir (its default is /tmp/kraft-combined-logs) is the path the data volume is mounted on
        Map<String, Object> composeEnv = map(compose.get("environment"));
        String composeMount = list(compose.get("volumes")).stream().map(String.class::cast)
                .filter(v -> v.startsWith("kafka-data:")).findFirst().orElseThrow().split(":")[1];
        assertThat(composeEnv.get("KAFKA_LOG_DIRS")).isEqualTo(composeMount);
        String k8sMount = (String) map(list(container.get("volumeMounts")).get(0)).get("mountPath");
        assertThat(k8sEnv.get("KAFKA_LOG_DIRS")).isEqualTo(k8sMount);

        // And the storage is formatted with a pinned cluster id (a KRaft id: 16 bytes, base64url), the same in both
        assertThat((String) composeEnv.get("CLUSTER_ID")).matches("[A-Za-z0-9_-]{22}");
        assertThat(k8sEnv.get("CLUSTER_ID")).isEqualTo(composeEnv.get("CLUSTER_ID"));
    }

    /** The environment variables a service's application.properties reads, or the simulator's list. */
    static Set<String> settingsOf(String service) throws IOException {
        if (service.equals("simulator")) {
            return new TreeSet<>(SimulatorConfig.ENVIRONMENT);
        }
        Path properties = Platform.repoRoot().resolve(service).resolve("src/main/resources/application.properties");
        Set<String> names = new TreeSet<>();
        Matcher m = ENV_REFERENCE.matcher(Files.readString(properties));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static List<Map<String, Object>> load(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(Files.readString(file))) {
            if (doc != null) {
                docs.add(map(doc));
            }
        }
        return docs;
    }

    private static String name(Map<String, Object> doc) {
        return (String) map(doc.get("metadata")).get("name");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }
}

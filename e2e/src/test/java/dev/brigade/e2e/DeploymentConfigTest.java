package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import dev.brigade.broker.StationAcls;
import dev.brigade.events.topics.TopicCatalog;
import dev.brigade.events.topics.TopicSpec;
import dev.brigade.events.topics.Topics;
import dev.brigade.simulator.SimulatorConfig;

/**
 * docker-compose.yml and deploy/k8s cannot run here (no Docker, no cluster), so they are held to the code: every
 * environment variable they give a service must be one that service reads, and every service is deployed with its
 * health probes. A renamed setting fails this test instead of silently falling back to a default in production.
 * Kubernetes is checked as kustomize renders it (kubectl kustomize deploy/k8s): the stations' Kafka credentials,
 * hardening and pinned images, the Strimzi topics against the catalogue and the users' ACLs.
 */
class DeploymentConfigTest {

    private static final List<String> SERVICES = List.of(Platform.FEATURE, Platform.TRAINING, Platform.REGISTRY,
            Platform.SERVING, Platform.MONITOR);
    /** The stations that read registry-events, so verify its signatures. */
    private static final List<String> REGISTRY_READERS = List.of(Platform.REGISTRY, Platform.SERVING,
            Platform.MONITOR, Platform.TRAINING);
    private static final String PRODUCER = "brigade-producer";
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    private static final Pattern REQUIRED_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):\\?");
    private static final Pattern CONFIG_MAPPING = Pattern.compile("@ConfigMapping\\(prefix = \"([a-z.-]+)\"\\)");
    private static final Pattern MAPPING_METHOD = Pattern.compile("^\\s+[\\w<>, ?]+\\s+(\\w+)\\(\\);", Pattern.MULTILINE);

    // ------------------------------------------------------------------------------------------------------------
    // docker-compose.yml

    @Test
    void composeGivesEachServiceOnlySettingsItReads() throws IOException {
        // Given docker-compose.yml with its anchors resolved
        Map<String, Object> services = composeServices();

        // Then the five services, the broker, the simulator and the one-shot jobs are there
        assertThat(services).containsKeys("kafka", "simulator", "bootstrap", "keygen");
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
    void composeTagsEveryImageWithTheProjectVersionAndHasNoDefaultPasswords() throws IOException {
        // Given docker-compose.yml as written and as loaded
        String text = Files.readString(Platform.repoRoot().resolve("docker-compose.yml"));
        Map<String, Object> services = composeServices();
        String version = projectVersion();

        // Then every image built here is brigade/<name>:<project version>, never latest
        for (String name : services.keySet()) {
            Map<String, Object> service = map(services.get(name));
            if (service.containsKey("build")) {
                String dockerfile = (String) map(service.get("build")).get("dockerfile");
                String expected = dockerfile.endsWith("Dockerfile.bootstrap") ? "brigade/bootstrap"
                        : "brigade/" + name;
                assertThat(service.get("image")).as(name).isEqualTo(expected + ":" + version);
            }
        }

        // And no password falls back to a value written here: each is required (${VAR:?...}), none is a *-local
        assertThat(text).doesNotContainPattern("\\$\\{[A-Z0-9_]+:-[^}]*\\}");
        Set<String> required = new TreeSet<>();
        Matcher m = REQUIRED_REFERENCE.matcher(text);
        while (m.find()) {
            required.add(m.group(1));
        }
        List<String> passwords = new ArrayList<>();
        for (String name : services.keySet()) {
            map(map(services.get(name)).get("environment")).forEach((variable, value) -> {
                if (variable.contains("PASSWORD")) {
                    passwords.add(name + ": " + variable + "=" + value);
                }
                assertThat(String.valueOf(value)).as(name + ": " + variable).doesNotContainPattern("[a-z]-local\\b");
            });
        }
        assertThat(passwords).isNotEmpty().allSatisfy(p -> assertThat(p).contains(":?set "));

        // And .env.example lists exactly the variables compose requires, with no values
        Path example = Platform.repoRoot().resolve("deploy/docker/.env.example");
        Map<String, String> listed = new TreeMap<>();
        for (String line : Files.readAllLines(example)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                listed.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        assertThat(listed.keySet()).isEqualTo(required);
        assertThat(listed.values()).allSatisfy(v -> assertThat(v).isEmpty());
    }

    @Test
    void composeMakesTheSigningKeyOnceAndMountsItReadOnly() throws IOException {
        // Given the keygen service and the stations
        Map<String, Object> services = composeServices();
        Map<String, Object> keygen = map(services.get("keygen"));
        Map<String, Object> keygenEnv = map(keygen.get("environment"));

        // Then keygen is a one-shot run of keygen.sh writing into the signing-keys volume
        assertThat(keygen.get("restart")).isEqualTo("no");
        assertThat(keygen.get("entrypoint").toString()).contains("/opt/brigade/keygen.sh");
        String signingDir = (String) keygenEnv.get("BRIGADE_SIGNING_DIR");
        assertThat(list(keygen.get("volumes"))).contains("signing-keys:" + signingDir);
        assertThat(Files.readString(Platform.repoRoot().resolve("deploy/docker/Dockerfile.bootstrap")))
                .contains("deploy/bootstrap/keygen.sh").contains("deploy/bootstrap/bootstrap.sh");

        // And the readers of registry-events trust its certificate from the same volume, read-only, after keygen
        for (String station : REGISTRY_READERS) {
            Map<String, Object> service = map(services.get(station));
            Map<String, Object> env = map(service.get("environment"));
            assertThat(list(service.get("volumes"))).as(station).contains("signing-keys:" + signingDir + ":ro");
            assertThat((String) env.get("BRIGADE_SIGNING_TRUSTED_CERTS")).as(station).startsWith(signingDir + "/")
                    .endsWith(".pem");
            assertThat(map(map(map(service.get("depends_on")).get("keygen"))).get("condition")).as(station)
                    .isEqualTo("service_completed_successfully");
            assertThat(map(map(service.get("depends_on")).get("kafka")).get("condition")).as(station)
                    .isEqualTo("service_healthy");
        }
        // And only the registry holds the key
        for (String name : services.keySet()) {
            Map<String, Object> env = map(map(services.get(name)).get("environment"));
            if (!name.equals("keygen")) {
                assertThat(env.containsKey("BRIGADE_SIGNING_KEYSTORE")).as(name).isEqualTo(name.equals(Platform.REGISTRY));
            }
        }
        assertThat((String) map(map(services.get(Platform.REGISTRY)).get("environment")).get("BRIGADE_SIGNING_KEYSTORE"))
                .startsWith(signingDir + "/").endsWith(".p12");
    }

    @Test
    void composeBootstrapsTheShippedSpecsOnceTheStationsAreHealthy() throws IOException {
        // Given the bootstrap service
        Map<String, Object> services = composeServices();
        Map<String, Object> bootstrap = map(services.get("bootstrap"));
        Map<String, Object> dependsOn = map(bootstrap.get("depends_on"));

        // Then it runs once, after the registry and the feature-service answer their health checks
        assertThat(bootstrap.get("restart")).isEqualTo("no");
        assertThat(map(dependsOn.get(Platform.REGISTRY)).get("condition")).isEqualTo("service_healthy");
        assertThat(map(dependsOn.get(Platform.FEATURE)).get("condition")).isEqualTo("service_healthy");

        // And it calls the stations at the port they listen on, as their registrar
        Map<String, Object> env = map(bootstrap.get("environment"));
        assertThat(env).containsEntry("BRIGADE_REGISTRY_URL", "http://registry-service:8080")
                .containsEntry("BRIGADE_FEATURES_URL", "http://feature-service:8080")
                .containsKeys("BRIGADE_REGISTRY_RITA_PASSWORD", "BRIGADE_FEATURES_RITA_PASSWORD");
        assertThat(Files.readString(Platform.repoRoot().resolve("deploy/docker/Dockerfile.bootstrap")))
                .contains("ENTRYPOINT [\"/opt/brigade/bootstrap.sh\"]");
    }

    @Test
    void composeScrapesEveryServiceAndProvisionsGrafanaFromTheRepository() throws IOException {
        // Given docker-compose.yml and the Prometheus configuration it mounts
        Map<String, Object> services = composeServices();
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
    void kafkaKeepsItsLogOnTheMountedVolumeWithAPinnedClusterId() throws IOException {
        // Given the broker of docker-compose.yml
        Map<String, Object> compose = map(composeServices().get("kafka"));

        // Then the image's log dir (its default is /tmp/kraft-combined-logs) is the path the data volume is mounted on
        Map<String, Object> composeEnv = map(compose.get("environment"));
        String composeMount = list(compose.get("volumes")).stream().map(String.class::cast)
                .filter(v -> v.startsWith("kafka-data:")).findFirst().orElseThrow().split(":")[1];
        assertThat(composeEnv.get("KAFKA_LOG_DIRS")).isEqualTo(composeMount);

        // And the storage is formatted with a pinned cluster id (a KRaft id: 16 bytes, base64url)
        assertThat((String) composeEnv.get("CLUSTER_ID")).matches("[A-Za-z0-9_-]{22}");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Kubernetes, as `kubectl kustomize deploy/k8s` renders it

    @Test
    void kubernetesGivesEachServiceOnlySettingsItReadsWithProbesAndResources() throws IOException {
        // Given the rendered objects and the ConfigMaps the containers load
        List<Map<String, Object>> documents = rendered();
        Map<String, Map<String, Object>> configMaps = configMaps(documents);

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
            for (Object c : list(podSpec(doc).get("containers"))) {
                Map<String, Object> container = map(c);
                String name = (String) container.get("name");
                deployed.add(name);
                Set<String> known = settingsOf(name);
                for (String variable : environment(container, configMaps).keySet()) {
                    if (!known.contains(variable)) {
                        unknown.add(name + ": " + variable);
                    }
                }
                assertThat(map(container.get("resources"))).as(name).containsKey("requests");
            }
        }
        assertThat(deployed).containsAll(SERVICES);
        assertThat(servingAutoscaled).as("an autoscaler for serving").isTrue();
        assertThat(unknown).as("variables the containers do not read").isEmpty();
    }

    @Test
    void kubernetesRunsTwoOfEveryStationTheRegistryAsActiveAndStandbyOnSharedArtifacts() throws IOException {
        // Given the rendered objects
        List<Map<String, Object>> documents = rendered();
        Map<String, Map<String, Object>> configMaps = configMaps(documents);

        for (String station : SERVICES) {
            // Then every station runs two pods, each advertising its pod IP (owner routing, run and job owners,
            // the registry's forwarding), and a drain keeps one of them running
            Map<String, Object> deployment = object(documents, "Deployment", station);
            assertThat(map(deployment.get("spec")).get("replicas")).as(station).isEqualTo(2);
            Object advertised = environment(container(deployment, station), configMaps).get("BRIGADE_ADVERTISED_HOST");
            assertThat(map(map(advertised).get("fieldRef"))).as(station).containsEntry("fieldPath", "status.podIP");
            Map<String, Object> budget = object(documents, "PodDisruptionBudget", station);
            assertThat(map(budget.get("spec"))).as(station).containsEntry("minAvailable", 1);
        }

        // And the registry's pods replace each other one at a time and mount one ReadWriteMany artifact volume
        Map<String, Object> registry = map(object(documents, "Deployment", Platform.REGISTRY).get("spec"));
        assertThat(map(registry.get("strategy"))).containsEntry("type", "RollingUpdate");
        assertThat(map(map(registry.get("strategy")).get("rollingUpdate"))).containsEntry("maxUnavailable", 0);
        Map<String, Object> claim = map(object(documents, "PersistentVolumeClaim", "registry-artifacts").get("spec"));
        assertThat(list(claim.get("accessModes"))).containsExactly("ReadWriteMany");
    }

    @Test
    void kubernetesStationsLogInToKafkaWithTheirOwnScramSecretOverTls() throws IOException {
        // Given the rendered station Deployments
        List<Map<String, Object>> documents = rendered();
        Map<String, Map<String, Object>> configMaps = configMaps(documents);
        Set<String> kafkaUsers = named(documents, "KafkaUser").keySet();

        for (String station : SERVICES) {
            Map<String, Object> deployment = object(documents, "Deployment", station);
            Map<String, Object> container = container(deployment, station);
            Map<String, Object> env = environment(container, configMaps);

            // Then it connects over SASL_SSL with SCRAM-SHA-512 as the principal named after it
            assertThat(env).as(station).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                    .containsEntry("KAFKA_SASL_USERNAME", station)
                    .containsEntry("BRIGADE_TOPICS_ENSURE", "false");
            assertThat(kafkaUsers).as("a KafkaUser for " + station).contains(station);

            // And its password is the one Strimzi's User Operator keeps in the Secret of that user
            assertThat(secretRef(env.get("KAFKA_SASL_PASSWORD"))).as(station)
                    .isEqualTo(Map.of("name", station, "key", "password"));

            // And it trusts the cluster CA, mounted from Strimzi's CA Secret, with the password from that Secret
            assertThat(secretRef(env.get("KAFKA_SSL_TRUSTSTORE_PASSWORD"))).as(station)
                    .containsEntry("name", "brigade-cluster-ca-cert");
            assertThat(env.get("KAFKA_SSL_TRUSTSTORE_TYPE")).as(station).isEqualTo("PKCS12");
            String truststore = (String) env.get("KAFKA_SSL_TRUSTSTORE_LOCATION");
            assertThat(secretMountedAt(deployment, container, truststore)).as(station + ": " + truststore)
                    .isEqualTo("brigade-cluster-ca-cert");
            assertThat((String) env.get("KAFKA_BOOTSTRAP_SERVERS")).as(station).isEqualTo("brigade-kafka-bootstrap:9093");
        }
    }

    @Test
    void kubernetesStationsAreHardenedProbedAndPinned() throws IOException {
        // Given the rendered station Deployments and disruption budgets
        List<Map<String, Object>> documents = rendered();
        String version = projectVersion();
        Map<String, Map<String, Object>> budgets = named(documents, "PodDisruptionBudget");

        for (String station : SERVICES) {
            Map<String, Object> deployment = object(documents, "Deployment", station);
            Map<String, Object> container = container(deployment, station);

            // Then it is probed at start, for readiness and for liveness, on Quarkus' health endpoints
            assertThat(httpPath(container, "startupProbe")).as(station).isEqualTo("/q/health/started");
            assertThat(httpPath(container, "readinessProbe")).as(station).isEqualTo("/q/health/ready");
            assertThat(httpPath(container, "livenessProbe")).as(station).isEqualTo("/q/health/live");

            // And it runs as non-root without privileges, on a read-only root with a writable /tmp
            assertThat(map(podSpec(deployment).get("securityContext"))).as(station).containsEntry("runAsNonRoot", true);
            Map<String, Object> security = map(container.get("securityContext"));
            assertThat(security).as(station).containsEntry("allowPrivilegeEscalation", false)
                    .containsEntry("readOnlyRootFilesystem", true);
            assertThat(list(map(security.get("capabilities")).get("drop"))).as(station).containsExactly("ALL");
            assertThat(volumeMountedAt(deployment, container, "/tmp")).as(station).containsKey("emptyDir");
            assertThat(volumeMountedAt(deployment, container, "/data")).as(station + " /data").isNotEmpty();

            // And its image is the project version, never latest
            assertThat(container.get("image")).as(station).isEqualTo("brigade/" + station + ":" + version);

            // And a disruption budget covers its pods
            assertThat(budgets).as(station).containsKey(station);
            assertThat(map(map(map(budgets.get(station)).get("spec")).get("selector")).get("matchLabels"))
                    .as(station).isEqualTo(map(map(deployment.get("spec")).get("selector")).get("matchLabels"));
        }
        // And the replicated stations keep one pod through a drain
        assertThat(map(budgets.get(Platform.SERVING).get("spec"))).containsEntry("minAvailable", 1);
        assertThat(map(budgets.get(Platform.FEATURE).get("spec"))).containsEntry("minAvailable", 1);
    }

    @Test
    void kubernetesShipsNoPasswordAndTheSigningMaterialComesFromSecrets() throws IOException {
        // Given every rendered object
        List<Map<String, Object>> documents = rendered();

        // Then no Secret is shipped (they are created with kubectl, deploy/README.md)
        assertThat(documents).noneMatch(d -> "Secret".equals(d.get("kind")));

        // And every password, in any container of any workload, comes from a Secret
        Map<String, Map<String, Object>> configMaps = configMaps(documents);
        List<String> literal = new ArrayList<>();
        for (Map<String, Object> doc : documents) {
            if (!List.of("Deployment", "Job", "StatefulSet").contains(doc.get("kind"))) {
                continue;
            }
            for (Object c : list(podSpec(doc).get("containers"))) {
                environment(map(c), configMaps).forEach((variable, value) -> {
                    if (variable.contains("PASSWORD") && secretRef(value).isEmpty()) {
                        literal.add(name(doc) + ": " + variable);
                    }
                });
            }
        }
        assertThat(literal).as("passwords not from a Secret").isEmpty();

        // And the registry's signing key and every reader's trusted certificate are files of mounted Secrets
        for (String station : REGISTRY_READERS) {
            Map<String, Object> deployment = object(documents, "Deployment", station);
            Map<String, Object> container = container(deployment, station);
            Map<String, Object> env = environment(container, configMaps);
            for (String cert : ((String) env.get("BRIGADE_SIGNING_TRUSTED_CERTS")).split(",")) {
                assertThat(secretMountedAt(deployment, container, cert)).as(station + ": " + cert)
                        .isEqualTo("brigade-signing-trust");
            }
            assertThat(env.containsKey("BRIGADE_SIGNING_KEYSTORE")).as(station).isEqualTo(station.equals(Platform.REGISTRY));
        }
        Map<String, Object> registry = object(documents, "Deployment", Platform.REGISTRY);
        Map<String, Object> registryEnv = environment(container(registry, Platform.REGISTRY), configMaps);
        assertThat(secretMountedAt(registry, container(registry, Platform.REGISTRY),
                (String) registryEnv.get("BRIGADE_SIGNING_KEYSTORE"))).isEqualTo("brigade-signing-key");
        assertThat(secretRef(registryEnv.get("BRIGADE_SIGNING_KEYSTORE_PASSWORD"))).containsEntry("name",
                "brigade-signing-key");
    }

    @Test
    void kubernetesTrainingHasRoomForDl4jOffHeap() throws IOException {
        // Given the training Deployment
        Map<String, Object> deployment = object(rendered(), "Deployment", Platform.TRAINING);
        Map<String, Object> container = container(deployment, Platform.TRAINING);
        String javaOpts = (String) environment(container, Map.of()).get("JAVA_OPTS");

        // Then the heap and JavaCPP's off-heap are capped, and the memory limit is above both together
        long heap = bytes(option(javaOpts, "-Xmx"));
        long offHeap = bytes(option(javaOpts, "-Dorg.bytedeco.javacpp.maxbytes="));
        long physical = bytes(option(javaOpts, "-Dorg.bytedeco.javacpp.maxphysicalbytes="));
        long limit = bytes((String) map(map(container.get("resources")).get("limits")).get("memory"));
        assertThat(physical).as("maxphysicalbytes covers heap and off-heap").isGreaterThanOrEqualTo(heap + offHeap);
        assertThat(limit).as("memory limit above maxphysicalbytes").isGreaterThan(physical);
        // JavaCPP unpacks native libraries to its cache dir: on the writable /tmp, as the root is read-only
        assertThat(option(javaOpts, "-Dorg.bytedeco.javacpp.cachedir=")).startsWith("/tmp/");
    }

    @Test
    void kubernetesKafkaIsAStrimziKraftClusterWithScramOverTlsAndAcls() throws IOException {
        // Given the Strimzi Kafka and its node pool
        List<Map<String, Object>> documents = rendered();
        Map<String, Object> kafka = map(object(documents, "Kafka", "brigade").get("spec"));
        Map<String, Object> pool = named(documents, "KafkaNodePool").values().iterator().next();

        // Then three KRaft nodes, broker and controller, keep their data on claims that outlive them
        assertThat(map(map(pool.get("metadata")).get("labels"))).containsEntry("strimzi.io/cluster", "brigade");
        Map<String, Object> poolSpec = map(pool.get("spec"));
        assertThat(poolSpec.get("replicas")).isEqualTo(3);
        assertThat(list(poolSpec.get("roles"))).containsExactlyInAnyOrder("broker", "controller");
        Map<String, Object> volume = map(list(map(poolSpec.get("storage")).get("volumes")).get(0));
        assertThat(volume).containsEntry("type", "persistent-claim").containsEntry("deleteClaim", false);

        // And the one listener is SCRAM-SHA-512 over TLS, with ACLs enforced
        List<?> listeners = list(map(kafka.get("kafka")).get("listeners"));
        assertThat(listeners).hasSize(1);
        Map<String, Object> listener = map(listeners.get(0));
        assertThat(listener).containsEntry("tls", true).containsEntry("port", 9093);
        assertThat(map(listener.get("authentication"))).containsEntry("type", "scram-sha-512");
        assertThat(map(map(kafka.get("kafka")).get("authorization"))).containsEntry("type", "simple");

        // And every topic keeps 3 copies, 2 of which acknowledge a write
        Map<String, Object> config = map(map(kafka.get("kafka")).get("config"));
        assertThat(config).containsEntry("default.replication.factor", 3).containsEntry("min.insync.replicas", 2)
                .containsEntry("auto.create.topics.enable", false);
        assertThat(map(kafka.get("entityOperator"))).containsKeys("topicOperator", "userOperator");
    }

    @Test
    void kubernetesTopicsAreTheCatalogueWithThreeReplicasAndTwoInSync() throws IOException {
        // Given the rendered KafkaTopics
        Map<String, Map<String, Object>> byTopic = new TreeMap<>();
        for (Map<String, Object> topic : named(rendered(), "KafkaTopic").values()) {
            assertThat(map(map(topic.get("metadata")).get("labels"))).containsEntry("strimzi.io/cluster", "brigade");
            Map<String, Object> spec = map(topic.get("spec"));
            byTopic.put((String) spec.get("topicName"), spec);
        }

        // Then they are exactly the catalogue (every topic and its .dlq twin) with its partitions and configs
        assertThat(byTopic.keySet()).isEqualTo(TopicCatalog.all().stream().map(TopicSpec::name)
                .collect(Collectors.toCollection(TreeSet::new)));
        for (TopicSpec topic : TopicCatalog.all()) {
            Map<String, Object> spec = byTopic.get(topic.name());
            assertThat(spec.get("partitions")).as(topic.name()).isEqualTo(topic.partitions());
            assertThat(spec.get("replicas")).as(topic.name()).isEqualTo(3);
            Map<String, String> config = new TreeMap<>();
            map(spec.get("config")).forEach((k, v) -> config.put(k, String.valueOf(v)));
            assertThat(config).as(topic.name()).containsEntry("min.insync.replicas", "2")
                    .containsAllEntriesOf(topic.configs());
        }
    }

    @Test
    void kubernetesAclsLetOnlyTheRegistryWriteRegistryEvents() throws IOException {
        // Given every KafkaUser's ACLs
        Map<String, Map<String, Object>> users = named(rendered(), "KafkaUser");
        assertThat(users.keySet()).containsExactlyInAnyOrderElementsOf(
                Stream.concat(SERVICES.stream(), Stream.of(PRODUCER)).toList());
        for (Map<String, Object> user : users.values()) {
            assertThat(map(map(user.get("spec")).get("authentication"))).containsEntry("type", "scram-sha-512");
            assertThat(map(map(user.get("spec")).get("authorization"))).containsEntry("type", "simple");
        }

        // Then registry-events is written by registry-service alone; serving and the other readers only read it
        Map<String, Set<String>> writers = new TreeMap<>();
        for (String user : users.keySet()) {
            if (allows(users.get(user), "topic", Topics.REGISTRY_EVENTS, "Write")) {
                writers.computeIfAbsent(Topics.REGISTRY_EVENTS, t -> new TreeSet<>()).add(user);
            }
        }
        assertThat(writers.get(Topics.REGISTRY_EVENTS)).containsExactly(Platform.REGISTRY);
        assertThat(allows(users.get(Platform.SERVING), "topic", Topics.REGISTRY_EVENTS, "Write")).isFalse();
        for (String reader : REGISTRY_READERS) {
            assertThat(allows(users.get(reader), "topic", Topics.REGISTRY_EVENTS, "Read")).as(reader).isTrue();
            assertThat(allows(users.get(reader), "topic", Topics.dlq(Topics.REGISTRY_EVENTS), "Write")).as(reader)
                    .isTrue();
        }
        assertThat(allows(users.get(Platform.REGISTRY), "transactionalId", "registry-service-writer", "Write"))
                .isTrue();

        // And the producers' principal writes the platform's inputs and nothing else, reads nothing
        for (TopicSpec topic : TopicCatalog.all()) {
            boolean input = Set.of(Topics.RAW_EVENTS, Topics.LABELS, Topics.SCORING_REQUESTS).contains(topic.name());
            assertThat(allows(users.get(PRODUCER), "topic", topic.name(), "Write")).as(topic.name()).isEqualTo(input);
            assertThat(allows(users.get(PRODUCER), "topic", topic.name(), "Read")).as(topic.name()).isFalse();
        }

        // And the feature-service owns its Streams apps by prefix (topics, groups, transactions of brigade-features*)
        for (String type : List.of("topic", "group", "transactionalId")) {
            assertThat(allows(users.get(Platform.FEATURE), type, "brigade-features-card-activity-v1",
                    type.equals("transactionalId") ? "Write" : "Read")).as(type).isTrue();
            for (String other : SERVICES) {
                if (!other.equals(Platform.FEATURE)) {
                    assertThat(allows(users.get(other), type, "brigade-features-intake", "Read")).as(other).isFalse();
                }
            }
        }
    }

    @Test
    void kubernetesUsersGrantExactlyTheStationAclTable() throws IOException {
        // Given the rendered KafkaUsers' ACLs, one "user type pattern name operation" line per operation
        Set<String> deployed = new TreeSet<>();
        for (Map.Entry<String, Map<String, Object>> user : named(rendered(), "KafkaUser").entrySet()) {
            for (Object entry : list(map(map(user.getValue().get("spec")).get("authorization")).get("acls"))) {
                Map<String, Object> acl = map(entry);
                Map<String, Object> resource = map(acl.get("resource"));
                for (Object operation : list(acl.get("operations"))) {
                    deployed.add(user.getKey() + " " + resource.get("type") + " " + resource.get("patternType") + " "
                            + resource.get("name") + " " + operation);
                }
            }
        }

        // Then they are the broker launcher's table (deploy/kafka-broker StationAcls), no more and no less
        Set<String> table = new TreeSet<>();
        for (StationAcls.Grant grant : StationAcls.TABLE) {
            String type = switch (grant.type()) {
                case TOPIC -> "topic";
                case GROUP -> "group";
                case TRANSACTIONAL_ID -> "transactionalId";
                default -> grant.type().name();
            };
            for (org.apache.kafka.common.acl.AclOperation operation : grant.operations()) {
                String strimzi = Stream.of(operation.name().toLowerCase(Locale.ROOT).split("_"))
                        .map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1)).collect(Collectors.joining());
                String pattern = grant.pattern() == org.apache.kafka.common.resource.PatternType.PREFIXED ? "prefix"
                        : "literal"; // Strimzi's words
                table.add(grant.user() + " " + type + " " + pattern + " " + grant.name() + " " + strimzi);
            }
        }
        assertThat(deployed).isEqualTo(table);
    }

    @Test
    void kubernetesBootstrapJobRunsTheSameScriptAsCompose() throws IOException {
        // Given the bootstrap Job and the compose service
        List<Map<String, Object>> documents = rendered();
        Map<String, Object> job = object(documents, "Job", "brigade-bootstrap");
        Map<String, Object> container = map(list(podSpec(job).get("containers")).get(0));
        Map<String, Object> compose = map(composeServices().get("bootstrap"));

        // Then it runs the compose service's image (project version), as non-root, with the passwords from Secrets
        assertThat(container.get("image")).isEqualTo(compose.get("image"));
        assertThat(map(podSpec(job).get("securityContext"))).containsEntry("runAsNonRoot", true);
        Map<String, Object> env = environment(container, Map.of());
        assertThat(env).containsEntry("BRIGADE_REGISTRY_URL", "http://registry-service:8080")
                .containsEntry("BRIGADE_FEATURES_URL", "http://feature-service:8080");
        assertThat(secretRef(env.get("BRIGADE_REGISTRY_RITA_PASSWORD"))).containsEntry("name", "brigade-registry-users");
        assertThat(secretRef(env.get("BRIGADE_FEATURES_RITA_PASSWORD"))).containsEntry("name", "brigade-features-users");
        assertThat(settingsOf("bootstrap")).containsAll(env.keySet());
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

    // ------------------------------------------------------------------------------------------------------------
    // What a container reads

    /**
     * The environment variables a container reads: a station's application.properties references, the variables of
     * platform's configuration mappings (every station carries them), the Kafka client properties platform's
     * KafkaSettings takes from KAFKA_*, and the image's JAVA_OPTS; the simulator's list; a one-shot job's script.
     */
    static Set<String> settingsOf(String service) throws IOException {
        Path root = Platform.repoRoot();
        if (service.equals("simulator")) {
            return new TreeSet<>(SimulatorConfig.ENVIRONMENT);
        }
        if (service.equals("bootstrap") || service.equals("keygen")) {
            return variablesNamedIn(root.resolve("deploy/bootstrap/" + service + ".sh"));
        }
        Path properties = root.resolve(service).resolve("src/main/resources/application.properties");
        Set<String> names = new TreeSet<>();
        Matcher m = ENV_REFERENCE.matcher(Files.readString(properties));
        while (m.find()) {
            names.add(m.group(1));
        }
        names.addAll(platformMappingVariables());
        names.addAll(kafkaClientVariables());
        names.addAll(variablesNamedIn(root.resolve("deploy/docker/Dockerfile.jvm")));
        return names;
    }

    /** Every KAFKA_<PROPERTY> of a Kafka client property, and the SASL login platform's KafkaSettings builds. */
    private static Set<String> kafkaClientVariables() {
        Set<String> properties = new HashSet<>(ProducerConfig.configNames());
        properties.addAll(ConsumerConfig.configNames());
        properties.addAll(AdminClientConfig.configNames());
        properties.addAll(List.of("sasl.username", "sasl.password"));
        return properties.stream().map(p -> "KAFKA_" + p.replace('.', '_').toUpperCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    /** BRIGADE_SIGNING_KEYSTORE and the like: each method of platform's @ConfigMapping interfaces, in env form. */
    private static Set<String> platformMappingVariables() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Platform.repoRoot().resolve("platform/src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher mapping = CONFIG_MAPPING.matcher(source);
                if (!mapping.find()) {
                    continue;
                }
                Matcher method = MAPPING_METHOD.matcher(source.substring(mapping.end()));
                while (method.find()) {
                    String kebab = method.group(1).replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
                    names.add((mapping.group(1) + "." + kebab).replaceAll("[.-]", "_").toUpperCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    private static Set<String> variablesNamedIn(Path file) throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\b((?:BRIGADE|JAVA)_[A-Z0-9_]*[A-Z0-9])\\b").matcher(Files.readString(file));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Reading the files

    private static Map<String, Object> composeServices() throws IOException {
        return map(load(Platform.repoRoot().resolve("docker-compose.yml")).get(0).get("services"));
    }

    private static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>brigade-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(Platform.repoRoot().resolve("pom.xml")));
        assertThat(m.find()).as("the project version in pom.xml").isTrue();
        return m.group(1);
    }

    /** `kubectl kustomize deploy/k8s`, parsed; skipped (not failed) where kubectl is not installed. */
    private static List<Map<String, Object>> rendered() throws IOException {
        Path kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .map(dir -> Path.of(dir, "kubectl")).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(kubectl != null, "kubectl is not installed: the rendered Kubernetes manifests are not checked "
                + "(install kubectl to run the kustomize checks)");
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize",
                Platform.repoRoot().resolve("deploy/k8s").toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertThat(process.exitValue()).as("kubectl kustomize deploy/k8s: " + output).isZero();
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(output)) {
            if (doc != null) {
                docs.add(map(doc));
            }
        }
        return docs;
    }

    private static Map<String, Map<String, Object>> named(List<Map<String, Object>> documents, String kind) {
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        documents.stream().filter(d -> kind.equals(d.get("kind"))).forEach(d -> byName.put(name(d), d));
        return byName;
    }

    private static Map<String, Object> object(List<Map<String, Object>> documents, String kind, String name) {
        Map<String, Object> found = named(documents, kind).get(name);
        assertThat(found).as(kind + " " + name).isNotNull();
        return found;
    }

    private static Map<String, Map<String, Object>> configMaps(List<Map<String, Object>> documents) {
        Map<String, Map<String, Object>> maps = new HashMap<>();
        named(documents, "ConfigMap").forEach((name, doc) -> maps.put(name, map(doc.get("data"))));
        return maps;
    }

    private static Map<String, Object> podSpec(Map<String, Object> workload) {
        return map(map(map(workload.get("spec")).get("template")).get("spec"));
    }

    private static Map<String, Object> container(Map<String, Object> workload, String name) {
        return list(podSpec(workload).get("containers")).stream().map(DeploymentConfigTest::map)
                .filter(c -> name.equals(c.get("name"))).findFirst().orElseThrow();
    }

    /** A container's variables: from its ConfigMaps (envFrom), then its own env (a value, or its valueFrom). */
    private static Map<String, Object> environment(Map<String, Object> container,
            Map<String, Map<String, Object>> configMaps) {
        Map<String, Object> env = new TreeMap<>();
        for (Object from : list(container.get("envFrom"))) {
            Map<String, Object> ref = map(from);
            assertThat(ref).as("envFrom loads ConfigMaps only (a Secret's keys would be unchecked)")
                    .containsOnlyKeys("configMapRef");
            env.putAll(configMaps.getOrDefault((String) map(ref.get("configMapRef")).get("name"), Map.of()));
        }
        for (Object e : list(container.get("env"))) {
            Map<String, Object> variable = map(e);
            env.put((String) variable.get("name"), variable.containsKey("valueFrom") ? variable.get("valueFrom")
                    : variable.get("value"));
        }
        return env;
    }

    /** The secretKeyRef of a variable's valueFrom, or empty. */
    private static Map<String, Object> secretRef(Object valueFrom) {
        return valueFrom instanceof Map<?, ?> from ? map(from.get("secretKeyRef")) : Map.of();
    }

    private static String httpPath(Map<String, Object> container, String probe) {
        return (String) map(map(container.get(probe)).get("httpGet")).get("path");
    }

    /** The pod volume whose mount holds the given path (the deepest mount), or empty. */
    private static Map<String, Object> volumeMountedAt(Map<String, Object> workload, Map<String, Object> container,
            String path) {
        String volumeName = null;
        int depth = -1;
        for (Object m : list(container.get("volumeMounts"))) {
            String mountPath = (String) map(m).get("mountPath");
            if ((path.equals(mountPath) || path.startsWith(mountPath + "/")) && mountPath.length() > depth) {
                volumeName = (String) map(m).get("name");
                depth = mountPath.length();
            }
        }
        for (Object v : list(podSpec(workload).get("volumes"))) {
            if (map(v).get("name").equals(volumeName)) {
                return map(v);
            }
        }
        return Map.of();
    }

    /** The Secret a file path comes from (the file must be one of its keys or items), or null. */
    private static String secretMountedAt(Map<String, Object> workload, Map<String, Object> container, String file) {
        Map<String, Object> secret = map(volumeMountedAt(workload, container, file).get("secret"));
        List<?> items = list(secret.get("items"));
        String fileName = Path.of(file).getFileName().toString();
        if (!items.isEmpty() && items.stream().noneMatch(i -> fileName.equals(map(i).get("path")))) {
            return null;
        }
        return (String) secret.get("secretName");
    }

    /** Whether a KafkaUser's ACLs allow the operation on the named resource (literal or prefix match, or All). */
    private static boolean allows(Map<String, Object> user, String type, String resource, String operation) {
        for (Object entry : list(map(map(user.get("spec")).get("authorization")).get("acls"))) {
            Map<String, Object> acl = map(entry);
            Map<String, Object> pattern = map(acl.get("resource"));
            String name = (String) pattern.get("name");
            boolean matches = type.equals(pattern.get("type")) && ("prefix".equals(pattern.get("patternType"))
                    ? resource.startsWith(name) : resource.equals(name) || "*".equals(name));
            List<?> operations = list(acl.get("operations"));
            if (matches && (operations.contains(operation) || operations.contains("All"))) {
                return true;
            }
        }
        return false;
    }

    private static String option(String javaOpts, String prefix) {
        return Stream.of(javaOpts.trim().split("\\s+")).filter(o -> o.startsWith(prefix))
                .map(o -> o.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new AssertionError("JAVA_OPTS has no " + prefix + ": " + javaOpts));
    }

    /** 1536m, 2g, 5Gi, 768Mi as bytes. */
    private static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([kmgt]?)i?b?", Pattern.CASE_INSENSITIVE).matcher(size.trim());
        assertThat(m.matches()).as("a size: " + size).isTrue();
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return Long.parseLong(m.group(1)) << shift;
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

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }
}

package dev.brigade.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How the simulator runs. Every setting comes from a {@code --name=value} argument or else the environment variable
 * shown, so run-local, docker-compose and Kubernetes configure it the same way.
 *
 * @param servingUrl the scoring API, called before each event is published; null or "none" publishes without scoring
 * @param rate events per second over all use cases
 * @param labelDelay mean delay between an event and its label (exponentially distributed)
 * @param controlHost where the control API listens: loopback by default, 0.0.0.0 in a container
 * @param duration how long to run; zero runs until stopped
 * @param kafkaSecurity the producer's login to a secured cluster (security.protocol, sasl.*, ssl.*), from the
 *                      stations' KAFKA_* variables of the same names; empty for a plaintext broker
 * @param topicPrefix the install prefix of the topics it writes (BRIGADE_TOPIC_PREFIX, as the stations'), empty
 */
public record SimulatorConfig(String bootstrapServers, String servingUrl, List<String> useCases, double rate,
        Duration labelDelay, String controlHost, int controlPort, long seed, Duration duration, Duration scoreTimeout,
        Map<String, String> kafkaSecurity, String topicPrefix) {

    /** The variables of a producer's login, as deploy/README.md's table names them for the stations. */
    public static final List<String> KAFKA_SECURITY = List.of("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM",
            "KAFKA_SASL_JAAS_CONFIG", "KAFKA_SSL_TRUSTSTORE_LOCATION", "KAFKA_SSL_TRUSTSTORE_TYPE",
            "KAFKA_SSL_TRUSTSTORE_PASSWORD", "KAFKA_SSL_KEYSTORE_LOCATION", "KAFKA_SSL_KEYSTORE_TYPE",
            "KAFKA_SSL_KEYSTORE_PASSWORD");

    /** Every environment variable the simulator reads (deployment files are checked against this list). */
    public static final List<String> ENVIRONMENT = Stream.concat(Stream.of("KAFKA_BOOTSTRAP_SERVERS",
            "BRIGADE_SERVING_URL", "BRIGADE_SIM_USE_CASES", "BRIGADE_SIM_RATE", "BRIGADE_SIM_LABEL_DELAY_MS",
            "BRIGADE_SIM_CONTROL_HOST", "BRIGADE_SIM_CONTROL_PORT", "BRIGADE_SIM_SEED", "BRIGADE_SIM_DURATION_S",
            "BRIGADE_SIM_SCORE_TIMEOUT_MS", "BRIGADE_TOPIC_PREFIX"), KAFKA_SECURITY.stream()).toList();

    public static SimulatorConfig from(String[] args, Map<String, String> env) {
        Map<String, String> given = new java.util.HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("arguments are --name=value, got " + arg);
            }
            given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        String serving = value(given, env, "serving-url", "BRIGADE_SERVING_URL", "http://localhost:8084");
        SimulatorConfig config = new SimulatorConfig(
                value(given, env, "bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                serving.isBlank() || serving.equals("none") ? null : serving,
                List.of(value(given, env, "use-cases", "BRIGADE_SIM_USE_CASES", "card-fraud,delivery-eta").split(",")),
                Double.parseDouble(value(given, env, "rate", "BRIGADE_SIM_RATE", "20")),
                Duration.ofMillis(Long.parseLong(value(given, env, "label-delay-ms", "BRIGADE_SIM_LABEL_DELAY_MS",
                        "15000"))),
                value(given, env, "control-host", "BRIGADE_SIM_CONTROL_HOST", "127.0.0.1"),
                Integer.parseInt(value(given, env, "control-port", "BRIGADE_SIM_CONTROL_PORT", "8086")),
                Long.parseLong(value(given, env, "seed", "BRIGADE_SIM_SEED", "7")),
                Duration.ofSeconds(Long.parseLong(value(given, env, "duration-s", "BRIGADE_SIM_DURATION_S", "0"))),
                Duration.ofMillis(Long.parseLong(value(given, env, "score-timeout-ms", "BRIGADE_SIM_SCORE_TIMEOUT_MS",
                        "1000"))),
                kafkaSecurity(env), value(given, env, "topic-prefix", "BRIGADE_TOPIC_PREFIX", ""));
        if (!given.isEmpty()) {
            throw new IllegalArgumentException("unknown arguments: " + given.keySet());
        }
        return config;
    }

    public SimulatorConfig {
        // the stations' rule (platform's TopicNames), repeated: the simulator is a tool without the platform
        if (!topicPrefix.matches("[a-zA-Z0-9._-]{0,64}")) {
            throw new IllegalArgumentException("BRIGADE_TOPIC_PREFIX '" + topicPrefix + "' is not usable in Kafka "
                    + "topic names: at most 64 letters, digits, '.', '_' and '-'");
        }
        if (rate <= 0 || rate > 10_000) {
            throw new IllegalArgumentException("rate must be in (0, 10000] events per second, got " + rate);
        }
        for (String useCase : useCases) {
            if (!useCase.equals("card-fraud") && !useCase.equals("delivery-eta")) {
                throw new IllegalArgumentException("use cases are card-fraud and delivery-eta, got " + useCase);
            }
        }
    }

    /** KAFKA_SASL_JAAS_CONFIG becomes sasl.jaas.config: the Kafka property the variable's name spells. */
    private static Map<String, String> kafkaSecurity(Map<String, String> env) {
        Map<String, String> props = new java.util.TreeMap<>();
        for (String var : KAFKA_SECURITY) {
            String value = env.get(var);
            if (value != null && !value.isBlank()) {
                props.put(var.substring("KAFKA_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.'), value);
            }
        }
        return Map.copyOf(props);
    }

    private static String value(Map<String, String> given, Map<String, String> env, String name, String var,
            String fallback) {
        if (!ENVIRONMENT.contains(var)) {
            throw new IllegalStateException(var + " must be listed in ENVIRONMENT");
        }
        String v = given.remove(name);
        if (v != null) {
            return v;
        }
        return env.getOrDefault(var, fallback);
    }
}

package dev.brigade.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the simulator runs. Every setting comes from a {@code --name=value} argument or else the environment variable
 * shown, so run-local, docker-compose and Kubernetes configure it the same way.
 *
 * @param servingUrl the scoring API, called before each event is published; null or "none" publishes without scoring
 * @param rate events per second over all use cases
 * @param labelDelay mean delay between an event and its label (exponentially distributed)
 * @param controlHost where the control API listens: loopback by default, 0.0.0.0 in a container
 * @param duration how long to run; zero runs until stopped
 */
public record SimulatorConfig(String bootstrapServers, String servingUrl, List<String> useCases, double rate,
        Duration labelDelay, String controlHost, int controlPort, long seed, Duration duration, Duration scoreTimeout) {

    /** Every environment variable the simulator reads (deployment files are checked against this list). */
    public static final List<String> ENVIRONMENT = List.of("KAFKA_BOOTSTRAP_SERVERS", "BRIGADE_SERVING_URL",
            "BRIGADE_SIM_USE_CASES", "BRIGADE_SIM_RATE", "BRIGADE_SIM_LABEL_DELAY_MS", "BRIGADE_SIM_CONTROL_HOST",
            "BRIGADE_SIM_CONTROL_PORT", "BRIGADE_SIM_SEED", "BRIGADE_SIM_DURATION_S", "BRIGADE_SIM_SCORE_TIMEOUT_MS");

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
                        "1000"))));
        if (!given.isEmpty()) {
            throw new IllegalArgumentException("unknown arguments: " + given.keySet());
        }
        return config;
    }

    public SimulatorConfig {
        if (rate <= 0 || rate > 10_000) {
            throw new IllegalArgumentException("rate must be in (0, 10000] events per second, got " + rate);
        }
        for (String useCase : useCases) {
            if (!useCase.equals("card-fraud") && !useCase.equals("delivery-eta")) {
                throw new IllegalArgumentException("use cases are card-fraud and delivery-eta, got " + useCase);
            }
        }
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

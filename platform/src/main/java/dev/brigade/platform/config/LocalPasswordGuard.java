package dev.brigade.platform.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Refuses to start a packaged station whose passwords are still the public local defaults it ships with
 * ({@code rita-local}, {@code training-local}, ...): they are in this repository, so anyone may log in with them.
 * Every configured value of a property whose name contains "password", and every embedded user's password, is
 * checked; the one log line names the environment variables to set. Dev and test runs are left alone, and so is a
 * run that says it is local ({@code BRIGADE_LOCAL_RUN=true}: run-local.sh and the e2e harness).
 */
@Singleton
public class LocalPasswordGuard {

    /** The shape of every shipped local default: a lower-case name ending in -local. */
    static final Pattern LOCAL_DEFAULT = Pattern.compile("[a-z][a-z0-9]*(?:-[a-z0-9]+)*-local");
    /** BRIGADE_LOCAL_RUN in the environment. */
    static final String LOCAL_RUN = "brigade.local-run";

    private static final String EMBEDDED_USERS = "quarkus.security.users.embedded.users.";
    private static final Pattern FIRST_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

    // Before TopicSetup (PLATFORM_BEFORE) and every other start-up work: nothing reaches Kafka with a public password.
    void refuseLocalPasswords(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) StartupEvent start,
            Config config) {
        List<String> variables = localPasswords(config, LaunchMode.current());
        if (!variables.isEmpty()) {
            // Quarkus prints a ConfigurationException as its one line, without a stack trace to bury it
            throw new ConfigurationException(refusal(variables));
        }
    }

    /**
     * The environment variables (or, without one, the property names) whose configured password is a public local
     * default; empty in dev and test, or when the run says it is local.
     */
    static List<String> localPasswords(Config config, LaunchMode mode) {
        if (mode.isDevOrTest() || localRun(config)) {
            return List.of();
        }
        Set<String> variables = new TreeSet<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("%") || !isPassword(name)) {
                continue; // another profile's value is not this run's
            }
            Optional<String> value;
            try {
                value = config.getOptionalValue(name, String.class);
            } catch (RuntimeException unresolvable) {
                continue; // an expression without a value: no password configured, nothing public either
            }
            if (value.isPresent() && LOCAL_DEFAULT.matcher(value.get().trim()).matches()) {
                variables.add(variableOf(config, name));
            }
        }
        return List.copyOf(variables);
    }

    static String refusal(List<String> variables) {
        return "Refusing to start: " + String.join(", ", variables) + (variables.size() == 1 ? " holds" : " hold")
                + " a public local default password (<name>-local, shipped in this repository); set "
                + (variables.size() == 1 ? "it" : "each") + " to a secret of your own, or set BRIGADE_LOCAL_RUN=true "
                + "for a run on a developer machine";
    }

    private static boolean localRun(Config config) {
        try {
            return config.getOptionalValue(LOCAL_RUN, String.class).map(v -> v.trim().equalsIgnoreCase("true"))
                    .orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean isPassword(String name) {
        return name.toLowerCase(Locale.ROOT).contains("password") || name.startsWith(EMBEDDED_USERS);
    }

    /** The variable a user sets: the one the property's expression reads, else the name's environment form. */
    private static String variableOf(Config config, String name) {
        ConfigValue value = config.getConfigValue(name);
        String raw = value == null ? null : value.getRawValue();
        if (raw != null) {
            Matcher m = FIRST_VARIABLE.matcher(raw);
            if (m.find()) {
                return m.group(1);
            }
        }
        return name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}

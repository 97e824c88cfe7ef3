package dev.brigade.platform.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * On a secured cluster, logs in once before anything else talks to Kafka: wrong or missing credentials, or a
 * truststore that does not verify the brokers, stop the station at start with one line naming the setting to fix,
 * instead of every consumer retrying its login forever. A broker that does not answer yet is not an error here
 * (stations may start before Kafka); only a refusal is.
 */
@Singleton
public class KafkaLoginCheck {

    private static final Logger LOG = Logger.getLogger(KafkaLoginCheck.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) StartupEvent start, KafkaClients clients) {
        Object protocol = clients.settings().clientProperties().getOrDefault(
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        if ("PLAINTEXT".equalsIgnoreCase(protocol.toString())) {
            return;
        }
        String refusal = refusal(clients, protocol.toString());
        if (refusal != null) {
            // Quarkus prints a ConfigurationException as its one line, without a stack trace to bury it
            throw new ConfigurationException(refusal);
        }
    }

    /** Why the cluster refused this station's login, naming the settings to check; null when it let it in. */
    static String refusal(KafkaClients clients, String protocol) {
        Map<String, Object> overrides = Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (Admin admin = clients.admin("login-check", overrides)) {
            admin.describeCluster().clusterId().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return describe(e.getCause(), protocol);
        } catch (KafkaException e) {
            return describe(e, protocol); // e.g. a truststore that cannot be read, when the client is built
        } catch (TimeoutException e) {
            LOG.warnf("Kafka (%s) did not answer the login check within %s; going on, clients will retry",
                    protocol, TIMEOUT);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A client that cannot be built because a key or trust store cannot be read says so somewhere in its causes. */
    private static Throwable tlsStoreFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (message.contains("keystore") || message.contains("truststore") || message.contains("key store")
                    || message.contains("trust store")) {
                return t;
            }
        }
        return null;
    }

    private static String describe(Throwable error, String protocol) {
        if (error instanceof SslAuthenticationException) {
            return "Kafka TLS handshake failed (" + error.getMessage() + "): check KAFKA_SSL_TRUSTSTORE_LOCATION, "
                    + "KAFKA_SSL_TRUSTSTORE_PASSWORD (and KAFKA_SSL_KEYSTORE_* for mTLS)";
        }
        if (error instanceof AuthenticationException) {
            return "Kafka refused this station's login (" + error.getMessage() + "): check KAFKA_SASL_USERNAME and "
                    + "KAFKA_SASL_PASSWORD (or KAFKA_SASL_JAAS_CONFIG) and KAFKA_SASL_MECHANISM";
        }
        Throwable stores = tlsStoreFailure(error);
        if (stores != null) {
            return "Kafka client could not load its TLS stores (" + stores.getMessage() + "): check "
                    + "KAFKA_SSL_TRUSTSTORE_LOCATION and KAFKA_SSL_TRUSTSTORE_PASSWORD (and KAFKA_SSL_KEYSTORE_*)";
        }
        if (error instanceof KafkaException) {
            LOG.warnf("Kafka (%s) login check did not complete: %s; going on, clients will retry", protocol, error);
        }
        return null;
    }
}

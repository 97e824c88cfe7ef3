package dev.brigade.monitor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.ws.rs.ProcessingException;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import dev.brigade.broker.KafkaBrokerResource;
import dev.brigade.monitor.support.RegistryStandIn;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The client's failure modes over real sockets: a closed port, a server slower than the configured timeout (the
 * stand-in's hung feature set, brigade.monitor.features.timeout 1 s there), and a bare NaN in the body.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(RegistryStandIn.class)
class FeatureServiceClientTest {

    @RestClient
    FeatureServiceClient client;

    @Test
    void aClosedPortFailsFastWithAConnectException() throws Exception {
        // Given a port nobody listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        FeatureServiceClient closed = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create("http://127.0.0.1:" + port)).build(FeatureServiceClient.class);

        // When the contract is asked for, then the call fails with the connection refused, well within the timeout
        long started = System.nanoTime();
        assertThatThrownBy(() -> closed.contract("card-activity", 1)).isInstanceOf(ProcessingException.class)
                .hasRootCauseInstanceOf(ConnectException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aSlowServerTimesOutAfterTheConfiguredTimeout() {
        // When the stand-in's hung feature set is asked for (it answers after 6 s)
        long started = System.nanoTime();
        assertThatThrownBy(() -> client.contract("hung", 1)).isInstanceOf(ProcessingException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Then the call gave up after the configured 1 s, not the 2 s default nor the server's 6 s
        assertThat(took).isBetween(Duration.ofMillis(RegistryStandIn.FEATURES_TIMEOUT_MILLIS - 100),
                Duration.ofMillis(1_900));
    }

    @Test
    void aGoodAnswerIsReadWithABareNaN() throws Exception {
        // Given a server that answers the contract with a bare NaN, under a base URL with a trailing slash
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/feature-sets/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = ("{\"featureSet\":\"card-activity\",\"path\":\"" + path + "\",\"recentRate\":NaN}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            FeatureServiceClient good = QuarkusRestClientBuilder.newBuilder()
                    .baseUri(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
                    .build(FeatureServiceClient.class);
            // When a good set is asked for, then the answer is read (a bare NaN too) from the right path
            RestResponse<JsonNode> answer = good.contract("card-activity", 3);
            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(answer.getEntity().path("path").asText())
                    .isEqualTo("/v1/feature-sets/card-activity/versions/3/contract");
            assertThat(answer.getEntity().path("recentRate").asDouble()).isNaN();
        } finally {
            server.stop(0);
        }
    }
}

package dev.brigade.monitor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.brigade.monitor.config.MonitorConfig;

/** The client's failure modes over real sockets: a closed port and a server slower than the timeout. */
class FeatureServiceClientTest {

    @Test
    void aClosedPortFailsFastWithAConnectException() throws Exception {
        // Given a port nobody listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        FeatureServiceClient client = new FeatureServiceClient(config("http://127.0.0.1:" + port, Duration.ofSeconds(2)));

        // When the contract is asked for, then the call fails with the connection refused, well within the timeout
        long started = System.nanoTime();
        assertThatThrownBy(() -> client.contract("card-activity", 1)).isInstanceOf(ConnectException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aSlowServerTimesOutAndAGoodOneIsRead() throws Exception {
        // Given a server that answers the contract at once, or after 3 s for feature set "slow"
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/feature-sets/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.contains("/slow/")) {
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = ("{\"featureSet\":\"card-activity\",\"path\":\"" + path + "\",\"recentRate\":NaN}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        try {
            FeatureServiceClient client = new FeatureServiceClient(
                    config("http://127.0.0.1:" + server.getAddress().getPort() + "/", Duration.ofMillis(500)));
            // When a good set is asked for, then the answer is read (a bare NaN too) from the right path
            FeatureServiceClient.Answer answer = client.contract("card-activity", 3);
            assertThat(answer.ok()).isTrue();
            assertThat(answer.body().path("path").asText()).isEqualTo("/v1/feature-sets/card-activity/versions/3/contract");
            assertThat(answer.body().path("recentRate").asDouble()).isNaN();
            // and a slow one times out after the configured 500 ms
            assertThatThrownBy(() -> client.contract("slow", 1)).isInstanceOf(HttpTimeoutException.class);
        } finally {
            server.stop(0);
        }
    }

    /** Only features() is read by the client. */
    private static MonitorConfig config(String url, Duration timeout) {
        MonitorConfig.Features features = (MonitorConfig.Features) Proxy.newProxyInstance(
                MonitorConfig.class.getClassLoader(), new Class<?>[] {MonitorConfig.Features.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "url" -> url;
                    case "timeout" -> timeout;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (MonitorConfig) Proxy.newProxyInstance(MonitorConfig.class.getClassLoader(),
                new Class<?>[] {MonitorConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("features")) {
                        return features;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}

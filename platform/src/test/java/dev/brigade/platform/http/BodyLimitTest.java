package dev.brigade.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** A body over max-body-size is a 413 problem body naming the limit, declared or chunked; raw HTTP. */
@QuarkusTest
class BodyLimitTest {

    private static final String PATH = "/edge/orders";

    @TestHTTPResource("/")
    URL root;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize limit;

    @Test
    void aDeclaredLengthOverTheLimitIsA413ProblemNamingTheLimit() throws IOException {
        // Given a request that declares a body one byte over the limit (and sends none of it)
        String head = "POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (limit.asLongValue() + 1) + "\r\n\r\n";

        // When it is sent
        String answer = exchange(head, null);

        // Then the answer is a 413 problem body naming the limit
        assertProblem(answer);
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413ProblemNamingTheLimit() throws IOException {
        // Given a chunked body that grows past the limit
        String head = "POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n";

        // When its chunks are sent until the limit is passed
        String answer = exchange(head, limit.asLongValue() + 64 * 1024);

        // Then the answer is the same 413 problem body
        assertProblem(answer);
    }

    @Test
    void aChunkedBodyUnderTheLimitStillReachesTheEndpoint() throws IOException {
        // Given a small chunked body that is not an order
        byte[] body = "{\"id\": ".getBytes(StandardCharsets.US_ASCII);
        String head = "POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + Integer.toHexString(body.length) + "\r\n"
                + new String(body, StandardCharsets.US_ASCII) + "\r\n0\r\n\r\n";

        // When it is sent
        String answer = exchange(head, null);

        // Then the endpoint read it and refused it on its merits, not on its size
        assertThat(answer).startsWith("HTTP/1.1 4").doesNotStartWith("HTTP/1.1 413")
                .contains("application/problem+json");
    }

    private void assertProblem(String answer) {
        assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("content-type: application/problem+json")
                .contains("\"status\":413").contains("max-body-size").contains(Long.toString(limit.asLongValue()))
                .contains("\"type\":\"urn:brigade:problem:body-too-large\"").contains("\"instance\":\"" + PATH + "\"");
    }

    /** Sends the head, then (if {@code chunkedBytes}) chunks of that many bytes in all, and reads the answer. */
    private String exchange(String head, Long chunkedBytes) throws IOException {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (chunkedBytes != null) {
                byte[] chunk = new byte[16 * 1024];
                Arrays.fill(chunk, (byte) 'A');
                byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    for (long sent = 0; sent < chunkedBytes; sent += chunk.length) {
                        out.write(size);
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                } catch (IOException e) {
                    // the server answered and stopped reading: its answer is still there to read
                }
            }
            return read(socket.getInputStream());
        }
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) > 0) {
                answer.write(buffer, 0, n);
                if (complete(answer.toString(StandardCharsets.US_ASCII))) {
                    break;
                }
            }
        } catch (IOException e) {
            if (answer.size() == 0) {
                throw e;
            }
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    /** A head and as many body bytes as its Content-Length says. */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String lower = text.substring(0, end + 2).toLowerCase();
        int at = lower.indexOf("content-length:");
        if (at < 0) {
            return false;
        }
        int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
        return text.length() - end - 4 >= length;
    }
}

package dev.brigade.registry.rest;

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

import dev.brigade.broker.KafkaBrokerResource;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue #9, the registry's own case: a chunked artifact upload (multipart) over max-body-size is the platform's 413
 * problem body, not the multipart parser's bare 413; raw HTTP. Platform's BodyLimitTest covers plain bodies.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class ArtifactUploadLimitTest {

    @TestHTTPResource("/")
    URL root;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize limit;

    @Test
    void aChunkedArtifactUploadOverTheLimitIsA413ProblemNamingTheLimit() throws IOException {
        // Given a chunked multipart upload that grows past the limit (the multipart parser would answer a bare 413)
        String head = "POST /v1/use-cases/no-such-use-case/versions HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: multipart/form-data; boundary=hostile\r\nTransfer-Encoding: chunked\r\n\r\n";

        // When its chunks are sent until the limit is passed
        String answer = exchange(head, limit.asLongValue() + 64 * 1024);

        // Then the answer is a 413 problem body naming the limit
        assertProblem(answer);
    }

    private void assertProblem(String answer) {
        assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("content-type: application/problem+json")
                .contains("\"status\":413").contains("max-body-size").contains(Long.toString(limit.asLongValue()));
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

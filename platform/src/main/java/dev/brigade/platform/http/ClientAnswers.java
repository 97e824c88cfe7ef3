package dev.brigade.platform.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.jboss.resteasy.reactive.RestResponse;

/** What a peer answered through a REST client, whatever its status. */
public final class ClientAnswers {

    /** Enough of a refusal's body to say why in a log line or a record. */
    static final int MAX_TEXT = 2_000;

    private ClientAnswers() {
    }

    /**
     * The answer's body as text. With the default exception mapper off, the REST client deserialises a 2xx body into
     * the declared type but hands other bodies over unread (a stream, whatever the declared type), so the body is
     * taken as an Object here and never cast to the declared type.
     */
    public static String text(RestResponse<?> answer) {
        Object entity = answer.hasEntity() ? answer.getEntity() : null;
        if (entity instanceof InputStream in) {
            try (in) {
                return new String(in.readNBytes(MAX_TEXT), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(body unreadable: " + e.getMessage() + ")";
            }
        }
        if (entity instanceof byte[] bytes) {
            return new String(bytes, 0, Math.min(bytes.length, MAX_TEXT), StandardCharsets.UTF_8);
        }
        return entity == null ? "" : entity.toString();
    }
}

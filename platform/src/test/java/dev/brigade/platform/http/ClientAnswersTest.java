package dev.brigade.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.Test;

class ClientAnswersTest {

    @Test
    void aRefusalsUnreadBodyIsReadAsTextWhateverTheDeclaredType() {
        // Given a 409 whose body the REST client left as a stream, declared as a String answer (as a client sees it)
        byte[] problem = "{\"type\":\"urn:brigade:problem:conflict\",\"status\":409}".getBytes(StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        RestResponse<String> refused = (RestResponse<String>) (RestResponse<?>) RestResponse.ResponseBuilder
                .create(409).entity(new ByteArrayInputStream(problem)).build();

        // Then its text is the body, with no cast to the declared type on the way
        assertThat(ClientAnswers.text(refused)).isEqualTo(new String(problem, StandardCharsets.UTF_8));

        // And a deserialised 2xx body, bytes, or no body at all read as they are
        assertThat(ClientAnswers.text(RestResponse.ok("{\"version\":3}"))).isEqualTo("{\"version\":3}");
        assertThat(ClientAnswers.text(RestResponse.ok("abc".getBytes(StandardCharsets.UTF_8)))).isEqualTo("abc");
        assertThat(ClientAnswers.text(RestResponse.status(RestResponse.Status.NO_CONTENT))).isEmpty();
    }

    @Test
    void aLongBodyIsCutAtTheLimit() {
        // Given a refusal far longer than a log line needs
        byte[] longBody = "x".repeat(ClientAnswers.MAX_TEXT * 3).getBytes(StandardCharsets.UTF_8);

        // Then only the first MAX_TEXT bytes are read
        assertThat(ClientAnswers.text(RestResponse.ResponseBuilder.create(500)
                .entity(new ByteArrayInputStream(longBody)).build())).hasSize(ClientAnswers.MAX_TEXT);
    }
}

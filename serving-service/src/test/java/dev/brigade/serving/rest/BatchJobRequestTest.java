package dev.brigade.serving.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.http.ProblemException;
import dev.brigade.serving.service.BatchJobs;

class BatchJobRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aGoodBodyIsRead() throws Exception {
        BatchJobs.Request request = BatchJobResource.request(JSON.readTree(
                "{\"useCase\":\"card-fraud\",\"from\":\"2026-11-25T00:00:00Z\",\"to\":\"2026-11-26T00:00:00Z\","
                        + "\"version\":3}"));
        assertThat(request).isEqualTo(new BatchJobs.Request("card-fraud", Instant.parse("2026-11-25T00:00:00Z"),
                Instant.parse("2026-11-26T00:00:00Z"), 3));
    }

    @Test
    void everyBadFieldIsNamed() throws Exception {
        // Given a body with a bad name, a date that is not an instant, a bad version and an unknown field
        ProblemException problem = catchThrowableOfType(ProblemException.class,
                () -> BatchJobResource.request(JSON.readTree("{\"useCase\":\"Card Fraud\",\"from\":\"yesterday\","
                        + "\"to\":\"2026-11-26T00:00:00Z\",\"version\":-1,\"model\":\"v3\"}")));

        // Then it is a 422 naming each
        assertThat(problem.status()).isEqualTo(422);
        assertThat(problem.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("useCase", "from",
                "version", "model");
    }
}

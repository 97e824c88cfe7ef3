package dev.brigade.registry;

import static dev.brigade.registry.Api.as;
import static dev.brigade.registry.Api.fresh;
import static dev.brigade.registry.Api.putSpec;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Hostile requests (issue #9): a broken multipart or JSON body, a wrong method, an unknown path: each is a 4xx
 * problem body naming what is wrong, never a 500 or an empty answer.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class HostileRequestTest {

    private static String useCase;

    @BeforeEach
    void useCase() {
        if (useCase == null) {
            String name = fresh("hostile");
            putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);
            useCase = name;
        }
    }

    @ParameterizedTest(name = "multipart body: {0}")
    @ValueSource(strings = {"{}", "{\"useCase\": \"card-fraud\", ", ""})
    void aMultipartBodyWithoutABoundaryIsA4xxProblem(String body) {
        // Given a multipart content type without a boundary, When a version is posted, Then a 4xx problem
        as("rita").contentType("multipart/form-data").body(body.getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/use-cases/" + useCase + "/versions")
                .then().statusCode(both(greaterThanOrEqualTo(400)).and(lessThan(500)))
                .contentType("application/problem+json").body("detail", not(emptyOrNullString()));
    }

    @Test
    void aMultipartBodyWithABrokenBoundaryIsA4xxProblem() {
        as("rita").contentType("multipart/form-data; boundary=XYZ")
                .body("--XYZ\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"a\":"
                        .getBytes(StandardCharsets.UTF_8))
                .when().post("/v1/use-cases/" + useCase + "/versions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:malformed-multipart"))
                .body("errors[0].field", equalTo("body"));
    }

    @ParameterizedTest(name = "malformed JSON on {0}")
    @ValueSource(strings = {"aliases/champion", "rollback", "versions/1/approvals", "versions/1/archive"})
    void unparseableJsonIsA400ProblemNamingTheBody(String path) {
        String user = path.endsWith("approvals") ? "alice" : "dave";
        as(user).contentType("application/json").body("{\"reason\": \"x\", ")
                .when().post("/v1/use-cases/" + useCase + "/" + path)
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:malformed-json"))
                .body("detail", not(emptyOrNullString()));
    }

    @ParameterizedTest(name = "JSON of the wrong shape on {0}")
    @ValueSource(strings = {"[1, 2, 3]", "{\"version\": \"one\"}"})
    void jsonOfTheWrongShapeIsA400Problem(String body) {
        as("dave").contentType("application/json").body(body)
                .when().post("/v1/use-cases/" + useCase + "/aliases/champion")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:malformed-json"));
    }

    @Test
    void aWrongMethodIsA4xxProblem() {
        as("dave").when().get("/v1/use-cases/" + useCase + "/rollback")
                .then().statusCode(both(greaterThanOrEqualTo(400)).and(lessThan(500)))
                .contentType("application/problem+json");
    }

    @Test
    void anUnknownPathIsA404Problem() {
        as("rita").when().get("/v1/no-such-thing")
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void anUnsupportedMediaTypeIsA415Problem() {
        as("dave").contentType("text/plain").body("hello")
                .when().post("/v1/use-cases/" + useCase + "/rollback")
                .then().statusCode(415).contentType("application/problem+json").body("status", equalTo(415));
    }
}

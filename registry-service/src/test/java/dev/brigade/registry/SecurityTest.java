package dev.brigade.registry;

import static dev.brigade.registry.Api.as;
import static dev.brigade.registry.Api.fresh;
import static dev.brigade.registry.Api.putSpec;
import static dev.brigade.registry.Api.register;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.brigade.broker.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Every write endpoint needs an authenticated caller with the right role; names never become paths; uploads are
 * bounded; a damaged artifact is never served.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class SecurityTest {

    /** Written by the first test that needs it: a use case with one version. */
    private static String useCase;

    @BeforeEach
    void useCaseWithAVersion() {
        if (useCase == null) {
            String name = fresh("secured");
            putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);
            register("rita", name, Fixtures.cardArtifact(801), Fixtures.card().json()).then().statusCode(201);
            useCase = name;
        }
    }

    /** Each write endpoint, the role it needs, and a user who lacks it. */
    static Stream<Arguments> writes() {
        return Stream.of(
                Arguments.of("PUT use case", "dave"),
                Arguments.of("POST version", "alice"),
                Arguments.of("POST approval", "rita"),
                Arguments.of("POST alias", "alice"),
                Arguments.of("POST rollback", "rita"),
                Arguments.of("POST archive", "alice"));
    }

    @ParameterizedTest(name = "{0} without credentials")
    @MethodSource("writes")
    void withoutCredentialsEveryWriteIs401(String endpoint, String wrongUser) {
        // When the endpoint is called anonymously, Then 401 with a challenge and a problem body
        call(endpoint, given()).then().statusCode(401)
                .header("WWW-Authenticate", containsString("Basic"))
                .contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:unauthorized")).body("status", equalTo(401));
    }

    @ParameterizedTest(name = "{0} with a wrong password")
    @MethodSource("writes")
    void aWrongPasswordIs401(String endpoint, String wrongUser) {
        call(endpoint, given().auth().preemptive().basic("rita", "guess")).then().statusCode(401)
                .body("type", equalTo("urn:brigade:problem:unauthorized"));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("writes")
    void theWrongRoleIs403(String endpoint, String wrongUser) {
        // When a known user without the endpoint's role calls it, Then 403 with a problem body
        call(endpoint, as(wrongUser)).then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:brigade:problem:forbidden")).body("status", equalTo(403));
        // And nothing changed: the version has no approval, no alias, is not archived
        given().get("/v1/use-cases/" + useCase + "/versions/1").then().statusCode(200)
                .body("version.approvals.size()", equalTo(0)).body("alias", equalTo(null))
                .body("version.archivedAt", equalTo(null));
    }

    @ParameterizedTest(name = "use case named {0}")
    @ValueSource(strings = {"..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2fetc", "%252e%252e%252fetc",
        "%252e%252e", "..%5c..%5cetc", "%2fetc%2fpasswd", "file:%2Fetc%2Fpasswd", "file:etc", "Card-Fraud", "a%00b"})
    void pathTricksInUseCaseNamesAreRefusedByTheNamePattern(String rawName) {
        // When a registrar registers, and anyone reads, under a name that tries to be a path
        Response put = as("rita").urlEncodingEnabled(false).contentType("application/yaml")
                .body(Fixtures.specYaml("card-fraud.yaml").getBytes(StandardCharsets.UTF_8))
                .put("/v1/use-cases/" + rawName);
        Response get = given().urlEncodingEnabled(false).get("/v1/use-cases/" + rawName);

        // Then both are refused by the name pattern, naming the field
        put.then().statusCode(400).contentType("application/problem+json").body("errors.field", hasItem("name"));
        get.then().statusCode(400).body("errors.field", hasItem("name"));
    }

    @ParameterizedTest(name = "use case named {0}")
    @ValueSource(strings = {"..", "%2e%2e", "./..", "%2e"})
    void dotSegmentsNeverReachAUseCase(String rawName) {
        // When the name is a dot segment, the HTTP layer normalises it away: no use-case route matches
        Response put = as("rita").urlEncodingEnabled(false).contentType("application/yaml")
                .body(Fixtures.specYaml("card-fraud.yaml").getBytes(StandardCharsets.UTF_8))
                .put("/v1/use-cases/" + rawName);

        // Then nothing is registered
        assertThat(put.statusCode()).isIn(404, 405);
        given().get("/v1/use-cases").then().statusCode(200).body("name", not(hasItem("..")));
    }

    @ParameterizedTest(name = "artifact file named {0}")
    @ValueSource(strings = {"../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%252e%252e%252fetc%252fpasswd",
        "..\\..\\windows\\evil.bin", "/etc/passwd", "file:/etc/passwd", "model..bin"})
    void pathTricksInArtifactNamesAreRefused(String fileName) throws IOException {
        // When a version is uploaded with a file name that tries to be a path
        as("rita").multiPart("artifact", fileName, Fixtures.cardArtifact(802), "application/octet-stream")
                .multiPart("metadata", Fixtures.card().json(), "application/json")
                .post("/v1/use-cases/" + useCase + "/versions")
                .then().statusCode(400).body("errors.field", hasItem("artifact"));

        // Then no version was registered and nothing was written outside the content-addressed files
        given().get("/v1/use-cases/" + useCase + "/versions").then().body("size()", equalTo(1));
        try (Stream<Path> files = Files.walk(Path.of("target/registry-data"))) {
            assertThat(files.map(Path::getFileName).map(Path::toString))
                    .noneMatch(f -> f.contains("passwd") || f.contains("evil"));
        }
    }

    @ParameterizedTest(name = "artifact digest {0}")
    @ValueSource(strings = {"..%2f..%2fetc%2fpasswd", "%252e%252e%252fetc", "..%5c..%5cetc", "%2fetc%2fpasswd",
        "file:%2Fetc%2Fpasswd", "ABCDEF0123"})
    void pathTricksInArtifactDigestsAreRefused(String raw) {
        given().urlEncodingEnabled(false).get("/v1/artifacts/" + raw).then().statusCode(400)
                .body("errors.field", hasItem("sha256"));
    }

    @org.junit.jupiter.api.Test
    void anOversizedUploadIs413() {
        // Given an artifact above the test limit of 64 KiB (a network with a wide hidden layer)
        byte[] big = Fixtures.artifact(dev.brigade.model.ModelTask.BINARY_CLASSIFICATION, Fixtures.CARD_INPUTS, 803,
                900);
        assertThat(big.length).isGreaterThan(64 * 1024);

        // When uploaded, Then 413 with a problem body naming the artifact, and no version is added
        register("rita", useCase, big, Fixtures.card().json()).then().statusCode(413)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("artifact"));
        given().get("/v1/use-cases/" + useCase + "/versions").then().body("size()", equalTo(1));
    }

    @org.junit.jupiter.api.Test
    void aDamagedArtifactIsNeverServed() throws IOException {
        // Given a registered version whose stored file is then damaged on disk
        String name = fresh("damaged");
        putSpec("rita", name, Fixtures.specYaml("card-fraud.yaml", name)).then().statusCode(201);
        String sha = register("rita", name, Fixtures.cardArtifact(804), Fixtures.card().json()).then()
                .statusCode(201).extract().path("version.artifactSha256");
        Path file = Path.of("target/registry-data/artifacts/sha256", sha);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 10] ^= 0x20;
        Files.write(file, bytes);

        // When it is downloaded, by version and by digest, Then an integrity error, and not one byte of it
        for (String path : List.of("/v1/use-cases/" + name + "/versions/1/artifact", "/v1/artifacts/" + sha)) {
            given().get(path).then().statusCode(500)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:brigade:problem:integrity"))
                    .body("detail", containsString("damaged"));
        }
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertThat(metrics).contains("brigade_registry_artifact_integrity_failures_total");
    }

    private Response call(String endpoint, RequestSpecification request) {
        String base = "/v1/use-cases/" + useCase;
        return switch (endpoint) {
            case "PUT use case" -> request.contentType("application/yaml")
                    .body(Fixtures.specYaml("card-fraud.yaml", useCase).getBytes(StandardCharsets.UTF_8))
                    .put(base);
            case "POST version" -> request.multiPart("artifact", "model.bin", Fixtures.cardArtifact(805),
                    "application/octet-stream").multiPart("metadata", Fixtures.card().json(), "application/json")
                    .post(base + "/versions");
            case "POST approval" -> request.contentType("application/json").body(Map.of("comment", "ok"))
                    .post(base + "/versions/1/approvals");
            case "POST alias" -> request.contentType("application/json")
                    .body(Map.of("version", 1, "reason", "try")).post(base + "/aliases/shadow");
            case "POST rollback" -> request.contentType("application/json").body(Map.of("reason", "try"))
                    .post(base + "/rollback");
            case "POST archive" -> request.contentType("application/json").body(Map.of("reason", "try"))
                    .post(base + "/versions/1/archive");
            default -> throw new IllegalArgumentException(endpoint);
        };
    }
}

package dev.brigade.registry;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** The registry's HTTP API as the tests call it, as the embedded users of application.properties. */
public final class Api {

    private Api() {
    }

    /** rita: registrar, alice: approver, dave: deployer, olga (tests only): registrar and approver. */
    public static RequestSpecification as(String user) {
        return given().auth().preemptive().basic(user, user + "-local");
    }

    public static Response putSpec(String user, String name, String yaml) {
        return as(user).contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/use-cases/" + name);
    }

    public static Response register(String user, String name, byte[] artifact, String metadataJson) {
        return as(user).multiPart("artifact", "model.bin", artifact, "application/octet-stream")
                .multiPart("metadata", metadataJson, "application/json")
                .when().post("/v1/use-cases/" + name + "/versions");
    }

    public static Response approve(String user, String name, int version) {
        return as(user).contentType("application/json").body(Map.of("comment", "numbers look right"))
                .when().post("/v1/use-cases/" + name + "/versions/" + version + "/approvals");
    }

    public static Response move(String user, String name, String alias, Integer version, Double percent) {
        java.util.Map<String, Object> body = new java.util.HashMap<>();
        body.put("version", version);
        if (percent != null) {
            body.put("trafficPercent", percent);
        }
        body.put("reason", "rollout step " + alias);
        return as(user).contentType("application/json").body(body)
                .when().post("/v1/use-cases/" + name + "/aliases/" + alias);
    }

    public static Response rollback(String user, String name, String reason) {
        return as(user).contentType("application/json").body(Map.of("reason", reason))
                .when().post("/v1/use-cases/" + name + "/rollback");
    }

    public static Response archive(String user, String name, int version, String reason) {
        return as(user).contentType("application/json").body(Map.of("reason", reason))
                .when().post("/v1/use-cases/" + name + "/versions/" + version + "/archive");
    }

    public static String fresh(String prefix) {
        return prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }
}

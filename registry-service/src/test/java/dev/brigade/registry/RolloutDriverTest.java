package dev.brigade.registry;

import static dev.brigade.registry.Api.approve;
import static dev.brigade.registry.Api.fresh;
import static dev.brigade.registry.Api.putSpec;
import static dev.brigade.registry.Api.register;
import static dev.brigade.registry.Api.rollback;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.brigade.broker.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * autoAdvance: the registry walks a gated version along the rollout by itself, one bake at a time, by the same rules
 * as a human deployer; it waits for an approval where one is required and never takes back what was rolled back.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class RolloutDriverTest {

    @Test
    void aGatedVersionWalksTheRolloutAloneAndARolledBackOneStaysBack() {
        // Given delivery-eta with autoAdvance, and a first version that passes its gate
        String name = fresh("eta-auto");
        putSpec("rita", name, Fixtures.autoAdvancingSpecYaml("delivery-eta.yaml", name)).then().statusCode(201);
        register("rita", name, Fixtures.courierArtifact(601), Fixtures.courier().json()).then().statusCode(201)
                .body("version.gate.passed", equalTo(true));

        // Then without anyone moving it, v1 becomes champion through shadow (no canary without a champion)
        awaitChampion(name, 1);
        assertThat(moves(name)).containsExactly("shadow v1 by rollout-driver", "champion v1 by rollout-driver");

        // When v2, gated against champion v1, is registered
        register("rita", name, Fixtures.courierArtifact(602), Fixtures.courier().comparedWith(1, 0.10, -0.05, 0.20)
                .business(1.05, 1.10).json()).then().statusCode(201).body("version.gate.passed", equalTo(true));

        // Then it walks shadow -> canary 5% -> canary 25% -> champion, each step after its bake
        awaitChampion(name, 2);
        assertThat(moves(name)).containsSubsequence("shadow v2 by rollout-driver", "canary v2 by rollout-driver",
                "canary v2 by rollout-driver", "champion v2 by rollout-driver");
        JsonPath history = given().get("/v1/use-cases/" + name + "/aliases/history").then().statusCode(200)
                .extract().jsonPath();
        assertThat(history.getList("why", String.class)).anySatisfy(why -> assertThat(why)
                .contains("held canary 5.0% for PT1S"));

        // When a deployer rolls the champion back to v1
        rollback("dave", name, "v2 misbehaves in production").then().statusCode(200)
                .body("champion.version", equalTo(1));

        // Then the driver leaves v2 where it was put
        sleep(Duration.ofSeconds(2));
        given().get("/v1/use-cases/" + name + "/aliases").then().statusCode(200)
                .body("champion.version", equalTo(1)).body("shadow", equalTo(null)).body("canary", equalTo(null));
    }

    @Test
    void anApprovalIsAwaitedBeforeCanaryOrChampion() {
        // Given card-fraud (approval required) with autoAdvance, and a first version that passed its gate
        String name = fresh("fraud-auto");
        putSpec("rita", name, Fixtures.autoAdvancingSpecYaml("card-fraud.yaml", name)).then().statusCode(201);
        register("rita", name, Fixtures.cardArtifact(611), Fixtures.card().json()).then().statusCode(201)
                .body("version.gate.passed", equalTo(true));

        // Then it enters shadow alone but waits there for an approver
        awaitAlias(name, "shadow", 1);
        sleep(Duration.ofSeconds(2));
        given().get("/v1/use-cases/" + name + "/aliases").then().body("champion", equalTo(null));

        // When alice approves, Then it moves on to champion by itself
        approve("alice", name, 1).then().statusCode(200);
        awaitChampion(name, 1);
    }

    @Test
    void theSpecNamesAMissingBake() {
        String name = fresh("eta-nobake");
        String spec = Fixtures.autoAdvancingSpecYaml("delivery-eta.yaml", name)
                .replaceAll("(?m)^\\s+bake: .*\n", "");
        putSpec("rita", name, spec).then().statusCode(422)
                .body("errors.field", org.hamcrest.Matchers.hasItems("promotionPolicy.rollout[0].bake",
                        "promotionPolicy.rollout[1].bake", "promotionPolicy.rollout[2].bake"));
    }

    private static List<String> moves(String name) {
        JsonPath history = given().get("/v1/use-cases/" + name + "/aliases/history").then().statusCode(200)
                .extract().jsonPath();
        List<String> aliases = history.getList("alias", String.class);
        List<Integer> versions = history.getList("toVersion", Integer.class);
        List<String> actors = history.getList("actor", String.class);
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < aliases.size(); i++) {
            if (versions.get(i) != null) {
                out.add(aliases.get(i).toLowerCase() + " v" + versions.get(i) + " by " + actors.get(i));
            }
        }
        return out;
    }

    private static void awaitChampion(String name, int version) {
        awaitAlias(name, "champion", version);
    }

    private static void awaitAlias(String name, String alias, int version) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Integer holder = given().get("/v1/use-cases/" + name + "/aliases").then().statusCode(200).extract()
                    .jsonPath().get(alias + ".version");
            if (holder != null && holder == version) {
                return;
            }
            sleep(Duration.ofMillis(200));
        }
        throw new AssertionError(alias + " of " + name + " is not v" + version + " after 30 s: " + moves(name));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

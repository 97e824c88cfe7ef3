package dev.brigade.registry.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.brigade.registry.ActiveInstance;
import dev.brigade.registry.config.RegistryConfig;
import dev.brigade.registry.rest.StandbyWrites.Decision;
import dev.brigade.registry.rest.StandbyWrites.Kind;

/** What an instance does with a request, by its role: the forward decision alone, without a server. */
class StandbyWritesTest {

    private static final ActiveInstance OTHER = new ActiveInstance("registry-1:8083", "http://registry-1:8083",
            Instant.parse("2026-12-08T02:00:00Z"), 4, "registry-service-writer");
    private static final RegistryConfig.Leader.StandbyWrites FORWARD = RegistryConfig.Leader.StandbyWrites.FORWARD;
    private static final RegistryConfig.Leader.StandbyWrites REDIRECT = RegistryConfig.Leader.StandbyWrites.REDIRECT;

    @Test
    void aStandbyForwardsEveryWriteOnV1WithItsPathAndQueryToTheActive() {
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
            // Given a standby that knows the active, When a write arrives
            Decision decision = StandbyWrites.decide(method, "/v1/use-cases/card-fraud",
                    "/v1/use-cases/card-fraud?reason=new%20spec", false, Optional.of(OTHER), false, FORWARD);

            // Then it goes to the active, path and query unchanged
            assertThat(decision.kind()).as(method).isEqualTo(Kind.FORWARD);
            assertThat(decision.target()).isEqualTo("http://registry-1:8083/v1/use-cases/card-fraud?reason=new%20spec");
        }
    }

    @Test
    void readsAndProbesAreAnsweredByAnyInstance() {
        // Given a standby that knows no active at all, When reads and probes arrive, Then it answers them itself
        for (String[] request : new String[][] {{"GET", "/v1/use-cases"}, {"HEAD", "/v1/use-cases/x"},
                {"OPTIONS", "/v1/use-cases"}, {"GET", "/q/health/ready"}, {"POST", "/q/anything"},
                {"GET", "/v1/registry/leader"}}) {
            assertThat(StandbyWrites.decide(request[0], request[1], request[1], false, Optional.empty(), false,
                    FORWARD).kind()).as(String.join(" ", request)).isEqualTo(Kind.LOCAL);
        }
    }

    @Test
    void theActiveAnswersWritesItselfEvenWhenForwarded() {
        assertThat(StandbyWrites.decide("POST", "/v1/use-cases/x/rollback", "/v1/use-cases/x/rollback", true,
                Optional.empty(), true, FORWARD).kind()).isEqualTo(Kind.LOCAL);
    }

    @Test
    void withNoActiveKnownAWriteIsUnavailableNotGuessed() {
        Decision decision = StandbyWrites.decide("PUT", "/v1/use-cases/x", "/v1/use-cases/x", false,
                Optional.empty(), false, FORWARD);

        assertThat(decision.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(decision.why()).contains("no active registry instance is known");
    }

    @Test
    void aForwardedWriteIsNeverForwardedAgain() {
        // Given a standby that believes another is active, When a write arrives already forwarded (two standbys
        // each believing the other active during a takeover)
        Decision decision = StandbyWrites.decide("POST", "/v1/use-cases/x/versions", "/v1/use-cases/x/versions",
                false, Optional.of(OTHER), true, FORWARD);

        // Then it is a 503 to retry, not a ping-pong
        assertThat(decision.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(decision.why()).contains("forwarded");
    }

    @Test
    void theRedirectModeAnswersWithTheActivesLocation() {
        Decision decision = StandbyWrites.decide("POST", "/v1/use-cases/x/rollback", "/v1/use-cases/x/rollback",
                false, Optional.of(OTHER), false, REDIRECT);

        assertThat(decision.kind()).isEqualTo(Kind.REDIRECT);
        assertThat(decision.target()).isEqualTo("http://registry-1:8083/v1/use-cases/x/rollback");
    }
}

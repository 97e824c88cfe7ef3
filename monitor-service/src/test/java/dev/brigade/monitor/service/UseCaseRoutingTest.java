package dev.brigade.monitor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.brigade.monitor.service.UseCaseRouting.Kind;
import dev.brigade.monitor.service.UseCaseRouting.Owner;

/** Where a read of a use case is answered, and how the answers of several owners become one. */
class UseCaseRoutingTest {

    static final Optional<Owner<String>> HERE = Optional.of(new Owner<>("a:8085", true));
    static final Optional<Owner<String>> B = Optional.of(new Owner<>("b:8085", false));
    static final Optional<Owner<String>> C = Optional.of(new Owner<>("c:8085", false));

    @Test
    void aUseCaseOwnedHereIsAnsweredHereWhoeverAsked() {
        // Given the use case's key owned by this instance
        // When a client asks, or another instance forwards the request
        // Then both are answered from the local stores
        assertThat(UseCaseRouting.decide(HERE, false).kind()).isEqualTo(Kind.LOCAL);
        assertThat(UseCaseRouting.decide(HERE, true).kind()).isEqualTo(Kind.LOCAL);
    }

    @Test
    void aClientsRequestForAUseCaseOwnedElsewhereIsForwardedToItsOwner() {
        // Given the use case owned by b
        // When a client asks this instance
        UseCaseRouting.Decision<String> d = UseCaseRouting.decide(B, false);

        // Then it is forwarded to b
        assertThat(d.kind()).isEqualTo(Kind.FORWARD);
        assertThat(d.owner()).isEqualTo("b:8085");
    }

    @Test
    void aForwardedRequestIsNeverForwardedAgain() {
        // Given a request b forwarded here, but this instance now sees c as the owner (views differ mid-rebalance)
        UseCaseRouting.Decision<String> d = UseCaseRouting.decide(C, true);

        // Then it is refused (503, retry), not sent on to c
        assertThat(d.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(d.reason()).contains("c:8085").contains("rebalancing");
    }

    @Test
    void anUnknownOwnerIsUnavailableRatherThanAnEmptyAnswer() {
        assertThat(UseCaseRouting.decide(Optional.<Owner<String>>empty(), false).kind())
                .isEqualTo(Kind.UNAVAILABLE);
        assertThat(UseCaseRouting.decide(Optional.<Owner<String>>empty(), true).kind())
                .isEqualTo(Kind.UNAVAILABLE);
    }

    @Test
    void useCasesAreSplitByOwnerInOrder() {
        // Given four use cases: two here, one on b, one whose owner is unknown
        Map<String, Optional<Owner<String>>> owners = Map.of("fraud", HERE, "eta", B, "rank", HERE,
                "churn", Optional.empty());

        // When split
        UseCaseRouting.Split<String> split = UseCaseRouting.split(List.of("fraud", "eta", "rank", "churn"),
                owners::get);

        // Then
        assertThat(split.here()).containsExactly("fraud", "rank");
        assertThat(split.remote()).containsExactly(Map.entry("b:8085", List.of("eta")));
        assertThat(split.unknown()).containsExactly("churn");
    }

    @Test
    void theOwnersAnswersMergeInTheGivenOrderTakingOnlyWhatEachWasAskedFor() {
        // Given here answered fraud and rank, b answered eta and (its view lagging) rank too
        Map<String, Map<String, String>> answers = Map.of(
                "here", Map.of("fraud", "fraud@here", "rank", "rank@here"),
                "b", Map.of("eta", "eta@b", "rank", "rank@b"));
        Map<String, List<String>> asked = Map.of("here", List.of("fraud", "rank"), "b", List.of("eta"));

        // When merged
        List<String> merged = UseCaseRouting.merge(List.of("fraud", "eta", "rank"), answers, asked);

        // Then each use case once, from the owner asked, in the registry's order
        assertThat(merged).containsExactly("fraud@here", "eta@b", "rank@here");
    }

    @Test
    void anOwnerThatNoLongerHasAUseCaseMakesTheMergeFailRatherThanDropIt() {
        // Given b was asked for eta but answered without it (it lost the partition meanwhile)
        Map<String, Map<String, String>> answers = Map.of("here", Map.of("fraud", "f"), "b", Map.of());
        Map<String, List<String>> asked = Map.of("here", List.of("fraud"), "b", List.of("eta"));

        // Then no partial list: the read is a 503 upstream
        assertThatThrownBy(() -> UseCaseRouting.merge(List.of("fraud", "eta"), answers, asked))
                .isInstanceOf(UseCaseRouting.Missing.class).hasMessageContaining("eta");
    }

    @Test
    void actionsOfSeveralInstancesMergeNewestFirstTheSameWhicheverInstanceMerges() {
        // Given instance a paged and rolled back for one alert, instance b rolled back another later
        var a1 = new AlertActions.ActionTaken("fraud:r:v1:100", "fraud", "rollback", "done", "v1", 1_000);
        var a2 = new AlertActions.ActionTaken("fraud:r:v1:100", "fraud", "rollback", "refused", "v1", 1_500);
        var b1 = new AlertActions.ActionTaken("fraud:r:v2:200", "fraud", "rollback", "done", "v2", 2_000);

        // When merged from a's side and from b's side
        List<AlertActions.ActionTaken> fromA = AlertActions.merge(List.of(List.of(a2, a1), List.of(b1)));
        List<AlertActions.ActionTaken> fromB = AlertActions.merge(List.of(List.of(b1), List.of(a2, a1)));

        // Then the same list, newest first
        assertThat(fromA).containsExactly(b1, a2, a1).isEqualTo(fromB);
    }
}

package dev.brigade.feature.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class LookupRouteTest {

    private static final Optional<String> HERE = Optional.empty();

    @Test
    void lookUpsAreGroupedByOwnerAndTheAnswersComeBackInRequestOrder() {
        // Given a batch of six look-ups: three here, two owned by b, one by c (b seen first)
        List<Optional<String>> owners = List.of(HERE, Optional.of("b:1"), HERE, Optional.of("c:2"),
                Optional.of("b:1"), HERE);

        // When it is routed
        LookupRoute<String> route = LookupRoute.of(owners);

        // Then the local ones stay here, each owner gets its look-ups in request order, owners in first-seen order
        assertThat(route.here()).containsExactly(0, 2, 5);
        assertThat(route.remote()).containsOnlyKeys("b:1", "c:2");
        assertThat(route.remote().keySet()).containsExactly("b:1", "c:2");
        assertThat(route.remote().get("b:1")).containsExactly(1, 4);
        assertThat(route.remote().get("c:2")).containsExactly(3);
        assertThat(route.size()).isEqualTo(6);

        // And the answers, each group's in its own order, merge back into request order
        List<String> merged = route.merge(List.of("r0", "r2", "r5"),
                Map.of("b:1", List.of("r1", "r4"), "c:2", List.of("r3")));
        assertThat(merged).containsExactly("r0", "r1", "r2", "r3", "r4", "r5");
    }

    @Test
    void allHereOrAllElsewhereAreTheTrivialCases() {
        LookupRoute<String> local = LookupRoute.of(List.of(HERE, HERE));
        assertThat(local.remote()).isEmpty();
        assertThat(local.merge(List.of("a", "b"), Map.of())).containsExactly("a", "b");

        LookupRoute<String> away = LookupRoute.of(List.of(Optional.of("b:1"), Optional.of("b:1")));
        assertThat(away.here()).isEmpty();
        assertThat(away.merge(List.of(), Map.of("b:1", List.of("a", "b")))).containsExactly("a", "b");
    }

    @Test
    void aGroupAnsweringMoreOrFewerThanItWasAskedIsRefused() {
        LookupRoute<String> route = LookupRoute.of(List.of(HERE, Optional.of("b:1"), Optional.of("b:1")));

        assertThatThrownBy(() -> route.merge(List.of("r0"), Map.of("b:1", List.of("r1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b:1 gave 1 answers to 2");
        assertThatThrownBy(() -> route.merge(List.of("r0"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b:1 gave 0 answers to 2");
        assertThatThrownBy(() -> route.merge(List.of(), Map.of("b:1", List.of("r1", "r2"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("here gave 0 answers to 1");
    }
}

package dev.brigade.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.brigade.registry.Alias;
import dev.brigade.registry.AliasMove;
import dev.brigade.registry.EvaluationReport;
import dev.brigade.registry.Fixtures;
import dev.brigade.registry.InputType;
import dev.brigade.registry.Lineage;
import dev.brigade.registry.ModelVersion;
import dev.brigade.registry.ReferenceProfile;
import dev.brigade.registry.RegistryChange;
import dev.brigade.registry.RegistryChange.AliasChanged;
import dev.brigade.registry.RegistryChange.Archived;
import dev.brigade.registry.RegistryChange.SpecAdded;
import dev.brigade.registry.RegistryChange.VersionAdded;
import dev.brigade.registry.RuntimeContract;
import dev.brigade.registry.UseCase;
import dev.brigade.registry.UseCaseSpec;
import dev.brigade.registry.mapping.RegistryEventMapper;
import dev.brigade.registry.mapping.RegistryJson;

/** The fold of registry-events: numbering, alias preconditions, the champion stack and time travel. */
class RegistryFoldTest {

    private static final Instant T0 = Instant.parse("2026-11-26T08:00:00Z");
    private static final UseCaseSpec SPEC = SpecValidator.validate(
            SpecValidatorTest.yaml(Fixtures.specYaml("card-fraud.yaml")), "card-fraud").spec();

    private final RegistryState state = new RegistryState();
    private int clock;

    @Test
    void promotionsStackAndRollbacksPopTheChampion() {
        // Given three versions promoted to champion in turn
        withVersions(3);
        applied(move(Alias.CHAMPION, null, 1, AliasMove.Kind.PROMOTE));
        applied(move(Alias.CHAMPION, 1, 2, AliasMove.Kind.PROMOTE));
        applied(move(Alias.CHAMPION, 2, 3, AliasMove.Kind.PROMOTE));

        // When rolled back twice
        applied(move(Alias.CHAMPION, 3, 2, AliasMove.Kind.ROLLBACK));
        UseCase afterFirst = useCase();
        applied(move(Alias.CHAMPION, 2, 1, AliasMove.Kind.ROLLBACK));

        // Then the champion walks back v3 -> v2 -> v1, and a third rollback has nowhere to go
        assertThat(afterFirst.champion().version()).isEqualTo(2);
        assertThat(afterFirst.previousChampion()).contains(1);
        assertThat(useCase().champion().version()).isEqualTo(1);
        assertThat(useCase().previousChampion()).isEmpty();
        assertThat(apply(move(Alias.CHAMPION, 1, 2, AliasMove.Kind.ROLLBACK)))
                .isInstanceOf(RegistryFold.Rejected.class);
        assertThat(useCase().aliasHistory()).extracting(AliasMove::kind).containsExactly(AliasMove.Kind.PROMOTE,
                AliasMove.Kind.PROMOTE, AliasMove.Kind.PROMOTE, AliasMove.Kind.ROLLBACK, AliasMove.Kind.ROLLBACK);
    }

    @Test
    void theChampionAtAnyInstantComesFromTheHistory() {
        // Given v1 champion at minute 3, v2 at minute 4, rolled back at minute 5
        withVersions(2);
        applied(move(Alias.CHAMPION, null, 1, AliasMove.Kind.PROMOTE));
        applied(move(Alias.CHAMPION, 1, 2, AliasMove.Kind.PROMOTE));
        applied(move(Alias.CHAMPION, 2, 1, AliasMove.Kind.ROLLBACK));

        // Then
        UseCase u = useCase();
        assertThat(u.championAt(T0.plusSeconds(60 * 2 + 59))).isEmpty();
        assertThat(u.championAt(T0.plusSeconds(60 * 3))).contains(1);
        assertThat(u.championAt(T0.plusSeconds(60 * 4 + 30))).contains(2);
        assertThat(u.championAt(T0.plusSeconds(60 * 9))).contains(1);
    }

    @Test
    void anAliasMoveThatDoesNotStartFromTheCurrentHolderIsRefused() {
        // Given v1 in shadow
        withVersions(2);
        applied(move(Alias.SHADOW, null, 1, AliasMove.Kind.PROMOTE));

        // When a writer that did not see it moves shadow "from nothing" to v2
        RegistryFold.Outcome stale = apply(move(Alias.SHADOW, null, 2, AliasMove.Kind.PROMOTE));

        // Then the fold refuses it (optimistic concurrency) and shadow stays v1
        assertThat(stale).isInstanceOfSatisfying(RegistryFold.Rejected.class,
                r -> assertThat(r.reason()).contains("moved since the writer looked"));
        assertThat(useCase().shadow().version()).isEqualTo(1);
    }

    @Test
    void aVersionHoldsOneAliasAtATime() {
        // Given v1 in shadow, then moved to canary at 10%
        withVersions(1);
        applied(move(Alias.SHADOW, null, 1, AliasMove.Kind.PROMOTE));
        applied(new AliasChanged(Alias.CANARY, null, 1, 10.0, AliasMove.Kind.PROMOTE));

        // Then it left shadow, and canary carries the share
        assertThat(useCase().shadow()).isNull();
        assertThat(useCase().canary().version()).isEqualTo(1);
        assertThat(useCase().canary().trafficPercent()).isEqualTo(10.0);
        assertThat(useCase().aliasOf(1)).contains(Alias.CANARY);
    }

    @Test
    void numberingAndArchivingAreChecked() {
        // Given two versions, v1 champion
        withVersions(2);
        applied(move(Alias.CHAMPION, null, 1, AliasMove.Kind.PROMOTE));

        // Then a version out of sequence, archiving the champion and promoting an archived version are refused
        assertThat(apply(version(5))).isInstanceOf(RegistryFold.Rejected.class);
        assertThat(apply(new Archived(1))).isInstanceOf(RegistryFold.Rejected.class);
        applied(new Archived(2));
        assertThat(useCase().version(2).orElseThrow().archived()).isTrue();
        assertThat(apply(move(Alias.SHADOW, null, 2, AliasMove.Kind.PROMOTE)))
                .isInstanceOf(RegistryFold.Rejected.class);
        assertThat(apply(new Archived(2))).isInstanceOf(RegistryFold.Rejected.class);
    }

    @Test
    void theAvroRoundTripFoldsToTheSameState() {
        // Given a history folded directly
        withVersions(2);
        applied(move(Alias.CHAMPION, null, 1, AliasMove.Kind.PROMOTE));

        // When the same changes go through the Avro edge and are folded again
        RegistryState again = new RegistryState();
        RegistryState direct = new RegistryState();
        for (RegistryChange change : history) {
            direct.apply(change);
            again.apply(RegistryEventMapper.toDomain(RegistryEventMapper.toAvro(change)));
        }

        // Then both states are equal
        assertThat(again.snapshot()).isEqualTo(direct.snapshot()).isEqualTo(state.snapshot());
    }

    private final java.util.List<RegistryChange> history = new java.util.ArrayList<>();

    private void withVersions(int count) {
        applied(new SpecAdded(1, SPEC, RegistryJson.sha256(RegistryJson.canonical(SPEC))));
        for (int v = 1; v <= count; v++) {
            applied(version(v));
        }
    }

    private static VersionAdded version(int v) {
        RuntimeContract contract = new RuntimeContract(List.of(new RuntimeContract.Input("amount", InputType.DOUBLE,
                42.0)), "fraud_probability", 20, 0.5, "fraud-ml-team");
        Lineage lineage = new Lineage("run-" + v, "git:abc", "card-activity", 1,
                List.of(new Lineage.DatasetRange("training-examples", 0, 0, 100)), Map.of("epochs", "5"), 42);
        EvaluationReport report = new EvaluationReport(null, new EvaluationReport.Overall(100, Map.of("auc", 0.9)),
                List.of(), null, new EvaluationReport.BusinessValue("expected-cost-per-transaction", 0.4, null), null,
                null, null, List.of(), null);
        ReferenceProfile profile = new ReferenceProfile(100, Map.of("amount", new ReferenceProfile.Feature(
                InputType.DOUBLE, List.of(0.0, 1.0), null, List.of(1.0), 0.5, 0.1, 0.0)));
        return new VersionAdded(v, "ab".repeat(32), 10, contract, lineage, report, profile,
                ModelVersion.Role.CANDIDATE);
    }

    private static AliasChanged move(Alias alias, Integer from, Integer to, AliasMove.Kind kind) {
        return new AliasChanged(alias, from, to, null, kind);
    }

    /** Applies a change a minute after the previous one; the first three changes take minutes 0, 1, 2. */
    private RegistryFold.Outcome apply(RegistryChange.Change change) {
        RegistryChange c = new RegistryChange("evt-" + clock, "card-fraud", T0.plusSeconds(60L * clock++), "tester",
                "because", change);
        RegistryFold.Outcome outcome = state.apply(c);
        if (outcome instanceof RegistryFold.Applied) {
            history.add(c);
        }
        return outcome;
    }

    private void applied(RegistryChange.Change change) {
        assertThat(apply(change)).isInstanceOf(RegistryFold.Applied.class);
    }

    private UseCase useCase() {
        return state.useCase("card-fraud").orElseThrow();
    }
}

package dev.brigade.serving.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.brigade.serving.ContractInput;
import dev.brigade.serving.InputType;
import dev.brigade.serving.ModelVersionInfo;
import dev.brigade.serving.RegistryChange;
import dev.brigade.serving.RegistryChange.Alias;
import dev.brigade.serving.RegistryChange.AliasMoved;
import dev.brigade.serving.RegistryChange.MoveKind;
import dev.brigade.serving.UseCaseSpecInfo;
import dev.brigade.serving.UseCaseState;

class UseCaseFoldTest {

    private static final UseCaseSpecInfo SPEC = new UseCaseSpecInfo(1, "BINARY_CLASSIFICATION", "card-activity", 1,
            25, List.of(10.0), "oncall", UseCaseSpecInfo.ServingMode.ONLINE);

    @Test
    void promotionsAndRollbackFollowTheRegistrysRules() {
        UseCaseState s = apply(null, new RegistryChange.SpecRegistered(SPEC));
        s = apply(s, version(1, false));
        s = apply(s, version(2, false));
        s = apply(s, version(3, true));
        s = apply(s, new AliasMoved(Alias.CHAMPION, null, 1, null, MoveKind.PROMOTE));
        s = apply(s, new AliasMoved(Alias.CANARY, null, 2, 10.0, MoveKind.PROMOTE));
        assertThat(s.canary()).isEqualTo(2);
        assertThat(s.effectiveCanaryPercent()).isEqualTo(10.0);
        assertThat(s.baseline()).contains(3);

        // Promoting the canary to champion takes it off the canary; v1 becomes the previous champion
        s = apply(s, new AliasMoved(Alias.CHAMPION, 1, 2, null, MoveKind.PROMOTE));
        assertThat(s.champion()).isEqualTo(2);
        assertThat(s.canary()).isNull();
        assertThat(s.previousChampion()).contains(1);

        // A rollback goes back to v1; a second one has nowhere to go and is refused
        s = apply(s, new AliasMoved(Alias.CHAMPION, 2, 1, null, MoveKind.ROLLBACK));
        assertThat(s.champion()).isEqualTo(1);
        assertThat(s.previousChampion()).isEmpty();
        assertThat(UseCaseFold.apply(s, change(new AliasMoved(Alias.CHAMPION, 1, 2, null, MoveKind.ROLLBACK))))
                .isInstanceOf(UseCaseFold.Refused.class);
    }

    @Test
    void changesTheRegistryWouldRefuseAreRefused() {
        UseCaseState s = apply(null, new RegistryChange.SpecRegistered(SPEC));
        s = apply(s, version(1, false));
        // out of sequence, a move from a holder that is not the holder, an unknown version, unknown use case
        assertThat(UseCaseFold.apply(s, change(version(3, false)))).isInstanceOf(UseCaseFold.Refused.class);
        assertThat(UseCaseFold.apply(s, change(new AliasMoved(Alias.CHAMPION, 7, 1, null, MoveKind.PROMOTE))))
                .isInstanceOf(UseCaseFold.Refused.class);
        assertThat(UseCaseFold.apply(s, change(new AliasMoved(Alias.SHADOW, null, 9, null, MoveKind.PROMOTE))))
                .isInstanceOf(UseCaseFold.Refused.class);
        assertThat(UseCaseFold.apply(null, change(version(1, false)))).isInstanceOf(UseCaseFold.Refused.class);
        // an archived version can be neither promoted nor archived again
        s = apply(s, new RegistryChange.VersionArchived(1));
        assertThat(UseCaseFold.apply(s, change(new AliasMoved(Alias.CHAMPION, null, 1, null, MoveKind.PROMOTE))))
                .isInstanceOf(UseCaseFold.Refused.class);
        assertThat(UseCaseFold.apply(s, change(new RegistryChange.VersionArchived(1))))
                .isInstanceOf(UseCaseFold.Refused.class);
    }

    private static UseCaseState apply(UseCaseState state, RegistryChange.Change c) {
        UseCaseFold.Outcome outcome = UseCaseFold.apply(state, change(c));
        assertThat(outcome).isInstanceOf(UseCaseFold.Applied.class);
        return ((UseCaseFold.Applied) outcome).state();
    }

    private static RegistryChange change(RegistryChange.Change c) {
        return new RegistryChange("e", "card-fraud", Instant.EPOCH, c);
    }

    private static RegistryChange.VersionRegistered version(int v, boolean baseline) {
        return new RegistryChange.VersionRegistered(new ModelVersionInfo(v, "0".repeat(64), 10,
                List.of(new ContractInput("amount", InputType.DOUBLE)), 20, "card-activity", 1, baseline, false));
    }
}

package dev.brigade.serving;

import java.time.Instant;

/** A registry-events record as the serving fold reads it (Avro stays at the Kafka edge). */
public record RegistryChange(String eventId, String useCase, Instant occurredAt, Change change) {

    /** What changed. */
    public sealed interface Change permits SpecRegistered, VersionRegistered, AliasMoved, VersionArchived, Other {
    }

    public record SpecRegistered(UseCaseSpecInfo spec) implements Change {
    }

    public record VersionRegistered(ModelVersionInfo version) implements Change {
    }

    public enum Alias {
        CHAMPION, CANARY, SHADOW
    }

    public enum MoveKind {
        PROMOTE, ROLLBACK, CLEAR
    }

    public record AliasMoved(Alias alias, Integer fromVersion, Integer toVersion, Double trafficPercent,
            MoveKind kind) implements Change {
    }

    public record VersionArchived(int version) implements Change {
    }

    /** Gates and approvals: part of the registry's story, nothing serving acts on. */
    public record Other(String kind) implements Change {
    }
}

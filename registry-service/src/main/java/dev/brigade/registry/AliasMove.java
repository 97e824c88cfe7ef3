package dev.brigade.registry;

import java.time.Instant;

/** One entry of the alias history: who moved which alias from which version to which, when and why. */
public record AliasMove(String eventId, Instant at, String actor, String why, Alias alias, Kind kind,
        Integer fromVersion, Integer toVersion, Double trafficPercent) {

    public enum Kind {
        PROMOTE, ROLLBACK, CLEAR
    }
}

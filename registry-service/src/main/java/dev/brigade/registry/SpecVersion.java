package dev.brigade.registry;

import java.time.Instant;

/** One registered version of a use case's spec; sha256 is of its canonical JSON. */
public record SpecVersion(int version, UseCaseSpec spec, String sha256, Instant registeredAt, String registeredBy,
        String why, String eventId) {
}

package dev.brigade.registry;

import java.time.Instant;

/** A human's approval of a version, from the audit trail. */
public record Approval(String approver, String comment, Instant at, String eventId) {
}

package dev.brigade.registry.rest;

/** Small JSON request bodies of the write endpoints. */
public final class Requests {

    private Requests() {
    }

    /** Move an alias; version null clears shadow or canary. reason is required (the audit trail's why). */
    public record AliasMoveRequest(Integer version, Double trafficPercent, String reason) {
    }

    /** Rollback and archive: the reason is required. */
    public record ReasonRequest(String reason) {
    }

    public record ApprovalRequest(String comment) {
    }
}

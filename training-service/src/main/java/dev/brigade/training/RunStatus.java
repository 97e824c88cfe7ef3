package dev.brigade.training;

/** Where a run is. QUEUED and RUNNING are live; the other three are final. */
public enum RunStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, SKIPPED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == SKIPPED;
    }
}

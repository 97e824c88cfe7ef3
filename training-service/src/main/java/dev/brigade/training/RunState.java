package dev.brigade.training;

/**
 * A run record as shared on training-run-state: the record, the owner's revision (it grows with every write of the
 * owner) and the instance that wrote it (the owner, or one that declared the silent owner's run failed).
 */
public record RunState(RunRecord run, long revision, String writer) {

    /** Revision of a record known only from training-runs: any shared state of the run is newer. */
    public static final long HISTORY = -1;

    public String runId() {
        return run.runId();
    }

    public boolean isFinal() {
        return run.status().isFinal();
    }
}

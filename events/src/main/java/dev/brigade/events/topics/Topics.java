package dev.brigade.events.topics;

/** Topic names of the contract. Services and tests use these constants, never string literals. */
public final class Topics {

    public static final String RAW_EVENTS = "raw-events";
    /**
     * The raw events the feature-service's intake gate accepted, same key, bytes and timestamp: judged once, with
     * the intake's clock, so that every feature-set version (and a later backfill) reads the same events.
     */
    public static final String RAW_EVENTS_ACCEPTED = "raw-events.accepted";
    public static final String LABELS = "labels";
    public static final String FEATURE_SETS = "feature-sets";
    public static final String FEATURE_VECTORS = "feature-vectors";
    public static final String TRAINING_EXAMPLES = "training-examples";
    public static final String TRAINING_REQUESTS = "training-requests";
    public static final String TRAINING_RUNS = "training-runs";
    /**
     * TrainingRunState, key run id, compacted: the latest state of every training run, written by the instance
     * running it (and by one that declares a silent owner's run failed), followed by every training instance.
     */
    public static final String TRAINING_RUN_STATE = "training-run-state";
    public static final String REGISTRY_EVENTS = "registry-events";
    public static final String PREDICTIONS = "predictions";
    public static final String DRIFT_EVENTS = "drift-events";
    public static final String ALERTS = "alerts";
    /** ScoringRequested for use cases served in batch mode (serving.mode batch), key entity id. */
    public static final String SCORING_REQUESTS = "scoring-requests";
    /** ScoreProduced: scores computed off the request path (scoring-requests, batch jobs), key event id. */
    public static final String SCORES = "scores";
    /**
     * RegistryLeader: which registry-service instance is active (writes registry-events); compacted, key the
     * service name. Its partition 0 is also what the instances' leader group hands to the active one.
     */
    public static final String REGISTRY_LEADER = "registry-leader";
    /** BatchJobState: serving's batch jobs (range, progress, counts, result, cancellation), key job id, compacted. */
    public static final String BATCH_JOBS = "batch-jobs";

    /** Every consumer sends what it cannot process to {@code <topic>.dlq}, with the reason in headers. */
    public static final String DLQ_SUFFIX = ".dlq";

    private Topics() {
    }

    public static String dlq(String topic) {
        return topic + DLQ_SUFFIX;
    }
}

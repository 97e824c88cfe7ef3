package dev.brigade.events.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.brigade.events.AlertEvent;
import dev.brigade.events.BatchJobState;
import dev.brigade.events.DriftEvent;
import dev.brigade.events.FeatureSetRegistered;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.LabelEvent;
import dev.brigade.events.PredictionLogged;
import dev.brigade.events.RawEvent;
import dev.brigade.events.RegistryEvent;
import dev.brigade.events.RegistryLeader;
import dev.brigade.events.ScoreProduced;
import dev.brigade.events.ScoringRequested;
import dev.brigade.events.TrainingExample;
import dev.brigade.events.TrainingRequested;
import dev.brigade.events.TrainingRunEvent;
import dev.brigade.events.TrainingRunState;
import dev.brigade.events.topics.TopicSpec.Cleanup;
import dev.brigade.events.topics.TopicSpec.KeyKind;

/**
 * The one place that says which topics exist, what they carry and how long they are kept. Every topic has a
 * dead-letter twin. Partition counts suit one broker on a small machine; raise them with the broker in production.
 */
public final class TopicCatalog {

    private static final Optional<Duration> FOREVER = Optional.empty();
    private static final Optional<Duration> MONTH = Optional.of(Duration.ofDays(30));
    private static final Optional<Duration> YEAR = Optional.of(Duration.ofDays(365));

    private static final List<TopicSpec> EVENT_TOPICS = List.of(
            // Raw events are replayed from offset 0 for a new feature-set version (backfill): keep them a year.
            new TopicSpec(Topics.RAW_EVENTS, KeyKind.ENTITY_ID, RawEvent.class, 3, Cleanup.DELETE, YEAR),
            // What the feature-service's intake gate accepted, same key: every feature-set version reads it from
            // offset 0 (backfill), so it has raw-events' partitions and retention.
            new TopicSpec(Topics.RAW_EVENTS_ACCEPTED, KeyKind.ENTITY_ID, RawEvent.class, 3, Cleanup.DELETE, YEAR),
            new TopicSpec(Topics.LABELS, KeyKind.EVENT_ID, LabelEvent.class, 3, Cleanup.DELETE, YEAR),
            new TopicSpec(Topics.FEATURE_SETS, KeyKind.FEATURE_SET_VERSION, FeatureSetRegistered.class, 1,
                    Cleanup.COMPACT, FOREVER),
            new TopicSpec(Topics.FEATURE_VECTORS, KeyKind.EVENT_ID, FeatureVector.class, 3, Cleanup.DELETE, MONTH),
            // Datasets are offset ranges of this topic: runs stay reproducible as long as it is kept.
            new TopicSpec(Topics.TRAINING_EXAMPLES, KeyKind.EVENT_ID, TrainingExample.class, 3, Cleanup.DELETE, YEAR),
            new TopicSpec(Topics.TRAINING_REQUESTS, KeyKind.USE_CASE, TrainingRequested.class, 1, Cleanup.DELETE,
                    MONTH),
            new TopicSpec(Topics.TRAINING_RUNS, KeyKind.RUN_ID, TrainingRunEvent.class, 1, Cleanup.DELETE, YEAR),
            // Every run's latest state, the training instances' shared view of runs: a table, kept compacted.
            new TopicSpec(Topics.TRAINING_RUN_STATE, KeyKind.RUN_ID, TrainingRunState.class, 1, Cleanup.COMPACT,
                    FOREVER),
            // The registry's state is the fold of this topic, and it is the audit trail: never delete.
            new TopicSpec(Topics.REGISTRY_EVENTS, KeyKind.USE_CASE, RegistryEvent.class, 1, Cleanup.DELETE, FOREVER),
            new TopicSpec(Topics.PREDICTIONS, KeyKind.EVENT_ID, PredictionLogged.class, 3, Cleanup.DELETE, MONTH),
            new TopicSpec(Topics.DRIFT_EVENTS, KeyKind.USE_CASE, DriftEvent.class, 1, Cleanup.DELETE, YEAR),
            new TopicSpec(Topics.ALERTS, KeyKind.USE_CASE, AlertEvent.class, 1, Cleanup.DELETE, YEAR),
            // Batch scoring: requests keyed by entity like raw-events, scores keyed by event like predictions.
            new TopicSpec(Topics.SCORING_REQUESTS, KeyKind.ENTITY_ID, ScoringRequested.class, 3, Cleanup.DELETE,
                    MONTH),
            new TopicSpec(Topics.SCORES, KeyKind.EVENT_ID, ScoreProduced.class, 3, Cleanup.DELETE, MONTH),
            // Serving's batch jobs, key job id (a run id): the last state of each is what every replica answers
            // with; its partitions are what the replicas share the running of (group serving-service-batch).
            new TopicSpec(Topics.BATCH_JOBS, KeyKind.RUN_ID, BatchJobState.class, 3, Cleanup.COMPACT, FOREVER),
            // Who is the active registry: one partition (the leader group gives it to exactly one instance), the
            // latest announcement is all that matters, so compacted.
            new TopicSpec(Topics.REGISTRY_LEADER, KeyKind.SERVICE, RegistryLeader.class, 1, Cleanup.COMPACT,
                    FOREVER));

    private static final List<TopicSpec> ALL = withDeadLetters(EVENT_TOPICS);

    private TopicCatalog() {
    }

    /** Every topic: the event topics, then their dead-letter topics. */
    public static List<TopicSpec> all() {
        return ALL;
    }

    public static List<TopicSpec> eventTopics() {
        return EVENT_TOPICS;
    }

    public static TopicSpec get(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no topic named " + name + " in the catalogue"));
    }

    private static List<TopicSpec> withDeadLetters(List<TopicSpec> topics) {
        List<TopicSpec> all = new ArrayList<>(topics);
        for (TopicSpec topic : topics) {
            // Dead letters keep the original bytes: no value type, kept a month for someone to look at and replay.
            all.add(new TopicSpec(Topics.dlq(topic.name()), KeyKind.SAME_AS_SOURCE, byte[].class, 1, Cleanup.DELETE,
                    MONTH));
        }
        return List.copyOf(all);
    }
}

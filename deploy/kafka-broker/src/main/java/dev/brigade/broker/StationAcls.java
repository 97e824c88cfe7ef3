package dev.brigade.broker;

import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DELETE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.apache.kafka.common.resource.ResourceType.TRANSACTIONAL_ID;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on a secured cluster: the one table of ACLs, as data. Read from the stations' code (topics they
 * consume, produce and dead-letter to; consumer groups; Kafka Streams application ids; transactional ids) and
 * kept to what each needs. brigade-admin is a super user and needs no row. Topic names are spelt out because this
 * module cannot depend on the events module (its tests depend on this one); they are the names of
 * {@code dev.brigade.events.topics.Topics}, and each {@code <topic>.dlq} is the topic's dead-letter twin.
 *
 * <p>READ, WRITE and DELETE imply DESCRIBE, and WRITE on a topic implies IDEMPOTENT_WRITE on the cluster, so metadata
 * and idempotent producers need no rows of their own.
 */
public final class StationAcls {

    public static final String ADMIN = "brigade-admin";
    public static final String FEATURE_SERVICE = "feature-service";
    public static final String TRAINING_SERVICE = "training-service";
    public static final String REGISTRY_SERVICE = "registry-service";
    public static final String SERVING_SERVICE = "serving-service";
    public static final String MONITOR_SERVICE = "monitor-service";
    /** Event producers outside the stations (simulator, tests): the platform's inputs only. */
    public static final String PRODUCER = "brigade-producer";

    /** Every SCRAM user of the cluster, created at format time. */
    public static final List<String> USERS = List.of(ADMIN, FEATURE_SERVICE, TRAINING_SERVICE, REGISTRY_SERVICE,
            SERVING_SERVICE, MONITOR_SERVICE, PRODUCER);

    /** Kafka Streams application ids start with these (feature-service: one app per feature-set version). */
    public static final String FEATURE_STREAMS_PREFIX = "brigade-features";
    public static final String MONITOR_STREAMS_PREFIX = "brigade-monitor";
    /** registry-service's one transactional writer (brigade.registry.writer-id). */
    public static final String REGISTRY_WRITER_PREFIX = "registry-service-writer";
    /** registry-service's leader-election consumer group (active/standby). */
    public static final String REGISTRY_LEADER_GROUP = "registry-service-leader";

    /** A Streams app creates, reads, writes, purges (repartition topics) and checks the configs of its internal topics. */
    private static final Set<AclOperation> STREAMS_INTERNAL_TOPICS = Set.of(CREATE, READ, WRITE, DELETE, DESCRIBE,
            DESCRIBE_CONFIGS);

    /** One row of the table: a user may do these operations on the resources a name (or name prefix) matches. */
    public record Grant(String user, ResourceType type, PatternType pattern, String name, Set<AclOperation> operations,
            String why) {

        public Grant {
            operations = Set.copyOf(operations);
        }

        List<AclBinding> bindings() {
            ResourcePattern resource = new ResourcePattern(type, name, pattern);
            return operations.stream().sorted()
                    .map(op -> new AclBinding(resource, new AccessControlEntry("User:" + user, "*", op,
                            AclPermissionType.ALLOW)))
                    .toList();
        }
    }

    public static final List<Grant> TABLE = List.of(
            // feature-service: REST intake, feature-set catalogue, intake and per-version Streams apps
            topic(FEATURE_SERVICE, "raw-events", Set.of(READ, WRITE), "REST intake writes; intake Streams app reads"),
            topic(FEATURE_SERVICE, "labels", Set.of(READ, WRITE), "REST intake writes; intake Streams app joins"),
            topic(FEATURE_SERVICE, "feature-sets", Set.of(READ, WRITE), "registers versions; catalogue replays"),
            topic(FEATURE_SERVICE, "feature-sets.dlq", Set.of(READ, WRITE),
                    "catalogue owns these dead letters and reads them first, to send each once"),
            topic(FEATURE_SERVICE, "raw-events.accepted", Set.of(READ, WRITE),
                    "intake gate writes; version apps read; backfill progress lists its offsets"),
            topic(FEATURE_SERVICE, "feature-vectors", Set.of(READ, WRITE), "version apps write; intake app joins labels"),
            topic(FEATURE_SERVICE, "training-examples", Set.of(WRITE), "intake app's label join"),
            topic(FEATURE_SERVICE, "raw-events.dlq", Set.of(WRITE), "refused and late raw events"),
            topic(FEATURE_SERVICE, "labels.dlq", Set.of(WRITE), "labels that cannot join"),
            topic(FEATURE_SERVICE, "feature-vectors.dlq", Set.of(WRITE), "vectors the label join cannot use"),
            new Grant(FEATURE_SERVICE, TOPIC, PREFIXED, FEATURE_STREAMS_PREFIX, STREAMS_INTERNAL_TOPICS,
                    "Streams internal topics (changelogs, repartition)"),
            new Grant(FEATURE_SERVICE, GROUP, PREFIXED, FEATURE_STREAMS_PREFIX, Set.of(READ),
                    "Streams app groups (their committed offsets give backfill progress)"),
            new Grant(FEATURE_SERVICE, TRANSACTIONAL_ID, PREFIXED, FEATURE_STREAMS_PREFIX, Set.of(WRITE),
                    "exactly_once_v2 transactions"),

            // training-service: request and drift channels, examples tally, datasets, run history
            topic(TRAINING_SERVICE, "training-requests", Set.of(READ), "channel training-requests"),
            topic(TRAINING_SERVICE, "drift-events", Set.of(READ), "channel drift-events"),
            topic(TRAINING_SERVICE, "training-requests.dlq", Set.of(WRITE), "channel's dead-letter queue"),
            topic(TRAINING_SERVICE, "drift-events.dlq", Set.of(WRITE), "channel's dead-letter queue"),
            new Grant(TRAINING_SERVICE, GROUP, LITERAL, TRAINING_SERVICE, Set.of(READ), "both channels' group"),
            topic(TRAINING_SERVICE, "training-runs", Set.of(READ, WRITE), "publishes runs; reads run history"),
            topic(TRAINING_SERVICE, "training-examples", Set.of(READ), "example tally and datasets (assign, no group)"),
            topic(TRAINING_SERVICE, "training-examples.dlq", Set.of(READ, WRITE), "example tally owns these dead letters"),
            topic(TRAINING_SERVICE, "feature-sets", Set.of(READ), "feature-set definitions (scan)"),
            topic(TRAINING_SERVICE, "registry-events", Set.of(READ), "registry log (replay)"),
            topic(TRAINING_SERVICE, "registry-events.dlq", Set.of(READ, WRITE), "dead-letters unsigned registry events"),
            topic(TRAINING_SERVICE, "training-run-state", Set.of(READ, WRITE),
                    "run state: writes its runs' state and heartbeats, follows every run's (assign, no group)"),
            topic(TRAINING_SERVICE, "training-requests", Set.of(WRITE),
                    "NEW_DATA trigger publishes its requests, so the partition's owner runs them once"),

            // registry-service: the one writer of registry-events, and its replay
            topic(REGISTRY_SERVICE, "registry-events", Set.of(READ, WRITE), "the only writer; replays its own log"),
            topic(REGISTRY_SERVICE, "registry-events.dlq", Set.of(READ, WRITE), "replay owns these dead letters"),
            new Grant(REGISTRY_SERVICE, TRANSACTIONAL_ID, PREFIXED, REGISTRY_WRITER_PREFIX, Set.of(WRITE),
                    "transactional writer (a second instance fences the first)"),
            topic(REGISTRY_SERVICE, "registry-leader", Set.of(READ, WRITE),
                    "active/standby: the active announces itself; every instance follows; the elector subscribes"),
            topic(REGISTRY_SERVICE, "registry-leader.dlq", Set.of(READ, WRITE), "leader follower owns these dead letters"),
            new Grant(REGISTRY_SERVICE, GROUP, LITERAL, REGISTRY_LEADER_GROUP, Set.of(READ),
                    "leader election: the member given registry-leader-0 is the active instance"),

            // serving-service: registry follower, prediction log, batch scoring, alerts
            topic(SERVING_SERVICE, "registry-events", Set.of(READ), "registry follower (replay)"),
            topic(SERVING_SERVICE, "registry-events.dlq", Set.of(READ, WRITE), "dead-letters unsigned registry events"),
            topic(SERVING_SERVICE, "predictions", Set.of(WRITE), "prediction log"),
            topic(SERVING_SERVICE, "feature-vectors", Set.of(READ), "batch jobs scan vectors (assign, no group)"),
            topic(SERVING_SERVICE, "scoring-requests", Set.of(READ), "channel scoring-requests"),
            topic(SERVING_SERVICE, "scoring-requests.dlq", Set.of(WRITE), "channel's dead-letter queue"),
            new Grant(SERVING_SERVICE, GROUP, LITERAL, SERVING_SERVICE, Set.of(READ), "channel scoring-requests' group"),
            topic(SERVING_SERVICE, "scores", Set.of(WRITE), "channel scores"),
            topic(SERVING_SERVICE, "alerts", Set.of(WRITE), "channel alerts (model load failures)"),
            topic(SERVING_SERVICE, "batch-jobs", Set.of(READ, WRITE), "batch jobs' state: view (replay) and runners"),
            topic(SERVING_SERVICE, "batch-jobs.dlq", Set.of(READ, WRITE), "the view owns these dead letters"),
            new Grant(SERVING_SERVICE, GROUP, LITERAL, SERVING_SERVICE + "-batch", Set.of(READ),
                    "batch-job runners share batch-jobs' partitions"),

            // monitor-service: Streams join and windows, replays, alert actions
            topic(MONITOR_SERVICE, "predictions", Set.of(READ), "Streams inputs"),
            topic(MONITOR_SERVICE, "labels", Set.of(READ), "Streams inputs"),
            topic(MONITOR_SERVICE, "feature-vectors", Set.of(READ), "Streams inputs"),
            topic(MONITOR_SERVICE, "predictions.dlq", Set.of(WRITE), "Streams join dead letters"),
            topic(MONITOR_SERVICE, "labels.dlq", Set.of(WRITE), "Streams join dead letters"),
            topic(MONITOR_SERVICE, "feature-vectors.dlq", Set.of(WRITE), "Streams join dead letters"),
            topic(MONITOR_SERVICE, "alerts", Set.of(READ, WRITE), "windows write; replay and alert actions read"),
            topic(MONITOR_SERVICE, "alerts.dlq", Set.of(WRITE), "alert actions' dead letters"),
            topic(MONITOR_SERVICE, "drift-events", Set.of(READ, WRITE), "windows write; replay reads"),
            topic(MONITOR_SERVICE, "training-runs", Set.of(READ), "replay"),
            topic(MONITOR_SERVICE, "training-runs.dlq", Set.of(READ, WRITE), "replay owns these dead letters"),
            topic(MONITOR_SERVICE, "registry-events", Set.of(READ), "replay"),
            topic(MONITOR_SERVICE, "registry-events.dlq", Set.of(READ, WRITE), "dead-letters unsigned registry events"),
            new Grant(MONITOR_SERVICE, TOPIC, PREFIXED, MONITOR_STREAMS_PREFIX, STREAMS_INTERNAL_TOPICS,
                    "Streams internal topics (changelogs, repartition)"),
            new Grant(MONITOR_SERVICE, GROUP, PREFIXED, MONITOR_STREAMS_PREFIX, Set.of(READ),
                    "Streams app group and the alert actions' group (<app id>-actions)"),
            new Grant(MONITOR_SERVICE, TRANSACTIONAL_ID, PREFIXED, MONITOR_STREAMS_PREFIX, Set.of(WRITE),
                    "exactly_once_v2 transactions"),

            // brigade-producer: the platform's inputs, nothing else
            topic(PRODUCER, "raw-events", Set.of(WRITE), "raw events from outside"),
            topic(PRODUCER, "labels", Set.of(WRITE), "labels from outside"),
            topic(PRODUCER, "scoring-requests", Set.of(WRITE), "batch scoring requests"));

    private StationAcls() {
    }

    /** Every ACL of the table, one binding per operation. */
    public static List<AclBinding> bindings() {
        List<AclBinding> bindings = new ArrayList<>();
        TABLE.forEach(grant -> bindings.addAll(grant.bindings()));
        return List.copyOf(bindings);
    }

    /** The table as Markdown, as deploy/kafka-broker/README.md shows it. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder()
                .append("| User | Resource | Name | Operations | Why |\n")
                .append("|---|---|---|---|---|\n");
        for (Grant grant : TABLE) {
            String resource = grant.type().name().toLowerCase().replace('_', ' ');
            String name = grant.pattern() == PREFIXED ? "`" + grant.name() + "*` (prefixed)" : "`" + grant.name() + "`";
            String operations = String.join(", ", grant.operations().stream().sorted().map(AclOperation::name).toList());
            table.append("| ").append(grant.user()).append(" | ").append(resource).append(" | ").append(name)
                    .append(" | ").append(operations).append(" | ").append(grant.why()).append(" |\n");
        }
        return table.toString();
    }

    private static Grant topic(String user, String topic, Set<AclOperation> operations, String why) {
        return new Grant(user, TOPIC, LITERAL, topic, operations, why);
    }
}

package dev.brigade.feature.service;

import org.apache.kafka.streams.state.HostInfo;

import dev.brigade.feature.EntityHistory;
import dev.brigade.feature.FeatureSetDefinition;

/**
 * What the service needs of the station's Kafka Streams apps: starting them, and reading an entity's history from
 * the app that holds it. streams/ implements it and uses service/ (feature semantics, raw-event rules, contract
 * checks); service/ never imports streams/, so the dependency goes one way.
 */
public interface StationApps {

    /** Where a key lives: the instance whose app holds its partition ({@code here} when this one does). */
    record Placement(HostInfo owner, int partition, boolean here) {
    }

    void startIntake();

    /** Starts the app of a version unless it runs already; safe to call for every catalogue notification. */
    void startVersion(FeatureSetDefinition set);

    void stop();

    /** host:port this instance advertises to the others for look-ups of keys it owns. */
    String applicationServer();

    /** @throws OnlineFeatureService.LookupException 503 while the version's app is not running here or rebalances */
    Placement place(FeatureSetDefinition set, String entityId);

    /**
     * The entity's history from the store of one partition here.
     *
     * @throws OnlineFeatureService.LookupException 503 while that partition is not queryable here
     */
    EntityHistory history(FeatureSetDefinition set, String entityId, int partition);
}

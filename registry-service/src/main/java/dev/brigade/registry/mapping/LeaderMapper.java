package dev.brigade.registry.mapping;

import dev.brigade.events.RegistryLeader;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.registry.ActiveInstance;

/** The active instance's announcement on registry-leader: Avro only here, at the Kafka edge. */
public final class LeaderMapper {

    /** The record key: the service the announcement speaks for (the topic is compacted on it). */
    public static final String KEY = "registry-service";

    private static final EventCodec<RegistryLeader> CODEC = EventCodec.of(RegistryLeader.class);

    private LeaderMapper() {
    }

    public static byte[] encode(ActiveInstance active) {
        return CODEC.encode(RegistryLeader.newBuilder().setInstanceId(active.instanceId()).setUrl(active.url())
                .setSince(active.since()).setEpoch(active.epoch()).setWriterId(active.writerId()).build());
    }

    public static ActiveInstance toDomain(RegistryLeader leader) {
        return new ActiveInstance(leader.getInstanceId(), leader.getUrl(), leader.getSince(), leader.getEpoch(),
                leader.getWriterId());
    }
}

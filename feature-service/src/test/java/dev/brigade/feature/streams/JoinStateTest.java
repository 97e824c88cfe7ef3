package dev.brigade.feature.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.brigade.events.FeatureStatus;
import dev.brigade.events.FeatureVector;
import dev.brigade.events.LabelEvent;
import dev.brigade.events.serde.EventCodec;

class JoinStateTest {

    private static final Instant EVENT_TIME = Instant.parse("2026-11-20T10:00:00Z");
    private static final EventCodec<FeatureVector> VECTORS = EventCodec.of(FeatureVector.class);
    private static final EventCodec<LabelEvent> LABELS = EventCodec.of(LabelEvent.class);

    @Test
    void aStateReadsBackAsWrittenAndItsHeaderTellsTheSweepItsTiming() {
        // Given a state with two versions' vectors, a label and one emitted example
        JoinState state = joined();

        // When written and read back
        byte[] bytes = JoinState.encode(state);
        JoinState read = JoinState.decode(bytes);

        // Then it is the same state, and the header alone gives what the sweep decides on
        assertSame(read, state);
        assertThat(JoinState.timing(bytes)).isEqualTo(new JoinState.Timing(2, EVENT_TIME.toEpochMilli(), true,
                1_700_000_000_000L));
    }

    @Test
    void aLabelWaitingForItsEventHasNoEventTime() {
        JoinState state = new JoinState();
        state.label = label();
        state.labelArrivedAt = 42L;

        assertThat(JoinState.timing(JoinState.encode(state)))
                .isEqualTo(new JoinState.Timing(0, Long.MIN_VALUE, true, 42L));
        assertThat(JoinState.timing(JoinState.encode(new JoinState())))
                .isEqualTo(new JoinState.Timing(0, Long.MIN_VALUE, false, Long.MIN_VALUE));
    }

    @Test
    void aStateWrittenInTheFirstFormatIsStillReadWithItsTiming() throws IOException {
        // Given the bytes format 1 wrote (no header), as a store restored from an older changelog holds them
        JoinState state = joined();
        byte[] first = formatOne(state);

        // Then they read as the same state, with the same timing as the current format's header gives
        assertSame(JoinState.decode(first), state);
        assertThat(JoinState.timing(first)).isEqualTo(JoinState.timing(JoinState.encode(state)));
    }

    static byte[] formatOne(JoinState state) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeInt(state.vectors.size());
            for (FeatureVector vector : state.vectors) {
                byte[] encoded = VECTORS.encode(vector);
                out.writeInt(encoded.length);
                out.write(encoded);
            }
            out.writeBoolean(state.label != null);
            if (state.label != null) {
                byte[] encoded = LABELS.encode(state.label);
                out.writeInt(encoded.length);
                out.write(encoded);
                out.writeLong(state.labelArrivedAt);
                out.writeInt(state.labelPartition);
                out.writeLong(state.labelOffset);
            }
            out.writeInt(state.emitted.size());
            for (String version : state.emitted) {
                out.writeUTF(version);
            }
        }
        return bytes.toByteArray();
    }

    private static JoinState joined() {
        JoinState state = new JoinState();
        state.putVector(vector("card-activity", 1));
        state.putVector(vector("card-activity", 2));
        state.label = label();
        state.labelArrivedAt = 1_700_000_000_000L;
        state.labelPartition = 2;
        state.labelOffset = 17;
        state.emitted.add("card-activity@1");
        return state;
    }

    private static void assertSame(JoinState read, JoinState state) {
        assertThat(read.vectors).isEqualTo(state.vectors);
        assertThat(read.label).isEqualTo(state.label);
        assertThat(read.labelArrivedAt).isEqualTo(state.labelArrivedAt);
        assertThat(read.labelPartition).isEqualTo(state.labelPartition);
        assertThat(read.labelOffset).isEqualTo(state.labelOffset);
        assertThat(read.emitted).containsExactlyElementsOf(state.emitted);
    }

    private static FeatureVector vector(String set, int version) {
        return FeatureVector.newBuilder().setEventId("e1").setEntityId("card-1").setEventTime(EVENT_TIME)
                .setFeatureSet(set).setFeatureSetVersion(version)
                .setValues(Map.of("amount", 42.0)).setStatuses(Map.of("amount", FeatureStatus.PRESENT))
                .setSlices(Map.of("region", "eu")).setComputedAt(EVENT_TIME).build();
    }

    private static LabelEvent label() {
        return LabelEvent.newBuilder().setEventId("e1").setEntityId("card-1").setLabel(1.0)
                .setLabelTime(EVENT_TIME.plusSeconds(3600)).setUseCase("card-fraud").build();
    }
}

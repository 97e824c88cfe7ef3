package dev.brigade.serving.mapping;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import dev.brigade.events.FeatureStatus;
import dev.brigade.events.PredictionLogged;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.ScalarUnion;
import dev.brigade.serving.Prediction;
import dev.brigade.serving.ScoreAnswer;
import dev.brigade.serving.Variant;

/**
 * Predictions to and from the PredictionLogged contract. {@link #toBytes} writes the bytes {@link EventCodec} gives
 * the event (single-object encoding, the current schema) field by field, without building the Avro object: generic
 * Avro writing (a union resolution by schema-name look-ups for every feature value) and building the event were
 * about 3 us of a scored request's 66 us of service CPU in the benchmark's profile. PredictionMapperTest holds it
 * byte-equal to the codec, so a schema change fails that test instead of the wire; a value of a type outside the
 * union takes the codec's path.
 */
public final class PredictionMapper {

    private static final EventCodec<PredictionLogged> CODEC = EventCodec.of(PredictionLogged.class);
    /** Marker and schema fingerprint, taken from the codec itself. */
    private static final byte[] HEADER;
    private static final int[] VARIANT_SYMBOL = new int[Variant.values().length];

    static {
        HEADER = Arrays.copyOf(CODEC.encode(toEvent(new Prediction("", "", "", "", 0, Variant.CHAMPION, Map.of(), 0,
                null, 0, 0, Instant.EPOCH, List.of()))), 10);
        for (Variant variant : Variant.values()) {
            VARIANT_SYMBOL[variant.ordinal()] = dev.brigade.events.Variant.valueOf(variant.name()).ordinal();
        }
    }

    private PredictionMapper() {
    }

    public static PredictionLogged toEvent(Prediction p) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, FeatureStatus> statuses = new LinkedHashMap<>();
        p.features().forEach((name, f) -> {
            values.put(name, f.value());
            statuses.put(name, FeatureStatus.valueOf(f.status()));
        });
        return PredictionLogged.newBuilder()
                .setPredictionId(p.predictionId())
                .setEventId(p.eventId())
                .setEntityId(p.entityId())
                .setUseCase(p.useCase())
                .setModelVersion(p.modelVersion())
                .setVariant(dev.brigade.events.Variant.valueOf(p.variant().name()))
                .setFeatures(values)
                .setFeatureStatuses(statuses)
                .setScore(p.score())
                .setDecision(p.decision())
                .setLatencyMicros(p.latencyMicros())
                .setCpuMicros(p.cpuMicros())
                .setServedAt(p.servedAt())
                .setWarnings(List.copyOf(p.warnings()))
                .build();
    }

    /**
     * The prediction as its PredictionLogged bytes.
     *
     * @throws IllegalArgumentException for a feature status the contract does not name
     */
    public static byte[] toBytes(Prediction p) {
        for (ScoreAnswer.ServedFeature feature : p.features().values()) {
            if (!ScalarUnion.writes(feature.value())) {
                return CODEC.encode(toEvent(p));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + p.features().size() * 48);
        out.writeBytes(HEADER);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            encoder.writeString(p.predictionId());
            encoder.writeString(p.eventId());
            encoder.writeString(p.entityId());
            encoder.writeString(p.useCase());
            encoder.writeInt(p.modelVersion());
            encoder.writeEnum(VARIANT_SYMBOL[p.variant().ordinal()]);
            // The map and array calls GenericDatumWriter makes, so the blocks are the same.
            encoder.writeMapStart();
            encoder.setItemCount(p.features().size());
            for (Map.Entry<String, ScoreAnswer.ServedFeature> feature : p.features().entrySet()) {
                encoder.startItem();
                encoder.writeString(feature.getKey());
                ScalarUnion.write(encoder, feature.getValue().value());
            }
            encoder.writeMapEnd();
            encoder.writeMapStart();
            encoder.setItemCount(p.features().size());
            for (Map.Entry<String, ScoreAnswer.ServedFeature> feature : p.features().entrySet()) {
                encoder.startItem();
                encoder.writeString(feature.getKey());
                encoder.writeEnum(FeatureStatus.valueOf(feature.getValue().status()).ordinal());
            }
            encoder.writeMapEnd();
            encoder.writeDouble(p.score());
            if (p.decision() == null) {
                encoder.writeIndex(0);
                encoder.writeNull();
            } else {
                encoder.writeIndex(1);
                encoder.writeString(p.decision());
            }
            encoder.writeLong(p.latencyMicros());
            encoder.writeLong(p.cpuMicros());
            encoder.writeLong(p.servedAt().toEpochMilli());
            encoder.writeArrayStart();
            encoder.setItemCount(p.warnings().size());
            for (String warning : p.warnings()) {
                encoder.startItem();
                encoder.writeString(warning);
            }
            encoder.writeArrayEnd();
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

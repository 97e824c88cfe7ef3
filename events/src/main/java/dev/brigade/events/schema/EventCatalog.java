package dev.brigade.events.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParser;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

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
import dev.brigade.events.WindowState;

/**
 * Every event type that may travel on a Brigade topic, with its schema history.
 *
 * <p>The history lives on the class path under {@code dev/brigade/events/history/<Name>/v<N>.avsc} (v1, v2, ...
 * without gaps). A build-time test keeps it honest: the newest version equals the current schema, and the current
 * schema can read every older one (BACKWARD_TRANSITIVE).
 */
public final class EventCatalog {

    public static final String HISTORY_ROOT = "dev/brigade/events/history/";

    private static final List<Class<? extends SpecificRecord>> TYPES = List.of(
            RawEvent.class,
            LabelEvent.class,
            FeatureSetRegistered.class,
            FeatureVector.class,
            TrainingExample.class,
            TrainingRequested.class,
            TrainingRunEvent.class,
            TrainingRunState.class,
            RegistryEvent.class,
            PredictionLogged.class,
            DriftEvent.class,
            AlertEvent.class,
            ScoringRequested.class,
            ScoreProduced.class,
            BatchJobState.class,
            WindowState.class, // not a topic value: the monitor's window store and its changelog
            RegistryLeader.class);

    private static final List<EventType<?>> ALL = TYPES.stream()
            .<EventType<?>>map(EventCatalog::load)
            .toList();

    private static final Map<Class<?>, EventType<?>> BY_CLASS = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(EventType::type, Function.identity()));

    private EventCatalog() {
    }

    public static List<EventType<?>> all() {
        return ALL;
    }

    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> EventType<T> of(Class<T> type) {
        EventType<?> eventType = BY_CLASS.get(type);
        if (eventType == null) {
            throw new IllegalArgumentException(type.getName() + " is not an event type of the Brigade contract");
        }
        return (EventType<T>) eventType;
    }

    /** The catalogued type that has ever been written with this fingerprint, if any. */
    public static Optional<EventType<?>> byWriterFingerprint(long fingerprint) {
        return ALL.stream()
                .filter(t -> t.history().stream().anyMatch(s -> EventType.fingerprint(s) == fingerprint)
                        || t.fingerprint() == fingerprint)
                .findFirst();
    }

    private static <T extends SpecificRecord> EventType<T> load(Class<T> type) {
        Schema current = SpecificData.get().getSchema(type);
        return new EventType<>(type, current, loadHistory(type.getClassLoader(), current.getName()));
    }

    static List<Schema> loadHistory(ClassLoader loader, String name) {
        List<Schema> history = new ArrayList<>();
        for (int version = 1; ; version++) {
            String path = HISTORY_ROOT + name + "/v" + version + ".avsc";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    return List.copyOf(history);
                }
                // A fresh parser per file: each history file is self-contained, and names repeat across versions.
                history.add(new SchemaParser().parse(in).mainSchema());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema history " + path, e);
            }
        }
    }
}

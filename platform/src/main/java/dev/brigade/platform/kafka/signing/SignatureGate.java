package dev.brigade.platform.kafka.signing;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.DeadLetters;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicReplay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Puts signature verification in front of a replay's fold: a record that is unsigned, signed by a key this station
 * does not trust, or whose signature does not match is not folded. It is counted
 * ({@code brigade_events_signature_refused_total{topic,reason}}, every reason registered at 0 so an alert sees the
 * first increase) and refused with a {@link TopicReplay.Refused} whose text starts with the reason
 * ({@code UNSIGNED: ...}): the replay logs it once at WARN with its offset and goes on with the next record.
 *
 * <p>Dead letters: a replay that owns the topic's dead letters (the registry's) sends the refused record itself. A
 * reader that does not ({@link #deadLettering}) sends it from here, so every station that refuses a record leaves
 * it in {@code <topic>.dlq}; the offsets already there are read once, at the first refusal, so a restart does not
 * send them again.
 */
public final class SignatureGate implements AutoCloseable {

    public static final String METRIC = "brigade.events.signature.refused";

    private static final Logger LOG = Logger.getLogger(SignatureGate.class);

    private final RecordVerifier verifier;
    private final String topic;
    private final KafkaClients deadLetterClients;
    private final String name;
    private final java.util.Map<RecordVerifier.Reason, Counter> counters = new java.util.EnumMap<>(
            RecordVerifier.Reason.class);
    private Map<Integer, Long> unsignedHistoryEnd = Map.of();
    private DeadLetters deadLetters;
    private Set<String> deadLettered;

    private SignatureGate(RecordVerifier verifier, String topic, MeterRegistry meters, KafkaClients clients,
            String name) {
        this.verifier = verifier;
        this.topic = topic;
        this.deadLetterClients = clients;
        this.name = name;
        if (meters != null) {
            for (RecordVerifier.Reason reason : RecordVerifier.Reason.values()) {
                counters.put(reason, Counter.builder(METRIC)
                        .description("Records refused because their signature is missing, unknown or wrong")
                        .tags("topic", topic, "reason", reason.name()).register(meters));
            }
        }
    }

    /** For a replay that owns the topic's dead letters, or a read-only fold that writes none. */
    public static SignatureGate counting(RecordVerifier verifier, String topic, MeterRegistry meters) {
        return new SignatureGate(verifier, topic, meters, null, null);
    }

    /** For a reader that does not own the topic's dead letters: refused records are sent to the dlq from here. */
    public static SignatureGate deadLettering(RecordVerifier verifier, String topic, MeterRegistry meters,
            KafkaClients clients, String name) {
        return new SignatureGate(verifier, topic, meters, clients, name);
    }

    /**
     * An install upgraded from before signing: records below these offsets (per partition) that carry no signature
     * header at all are the history written unsigned and are folded as before. Call before {@link #guard}.
     */
    public SignatureGate acceptingUnsignedBelow(Map<Integer, Long> historyEnd) {
        this.unsignedHistoryEnd = Map.copyOf(historyEnd);
        return this;
    }

    /** The fold, behind the check. */
    public <T extends SpecificRecord> TopicReplay.Fold<T> guard(TopicReplay.Fold<T> fold,
            Function<T, String> eventId) {
        return (event, record) -> {
            Optional<RecordVerifier.Refusal> refusal = verifier.check(record.key(), record.value(), record.headers());
            if (refusal.isEmpty() || unsignedHistory(record, refusal.get())) {
                fold.apply(event, record);
                return;
            }
            String text = refusal.get().text() + " (event " + eventId.apply(event) + ", key " + record.key() + ")";
            Counter counter = counters.get(refusal.get().reason());
            if (counter != null) {
                counter.increment();
            }
            deadLetter(record, text);
            throw new TopicReplay.Refused(text);
        };
    }

    /** Unsigned (no header at all) and below the configured end of the history from before signing. */
    private boolean unsignedHistory(ConsumerRecord<String, byte[]> record, RecordVerifier.Refusal refusal) {
        return refusal.reason() == RecordVerifier.Reason.UNSIGNED
                && record.headers().lastHeader(SignedBytes.SIGNATURE_HEADER) == null
                && record.headers().lastHeader(SignedBytes.KEY_ID_HEADER) == null
                && record.offset() < unsignedHistoryEnd.getOrDefault(record.partition(), 0L);
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String text) {
        if (deadLetterClients == null) {
            return;
        }
        try {
            if (deadLetters == null) {
                deadLetters = new DeadLetters(deadLetterClients, Topics.dlq(topic), name);
                deadLettered = deadLetters.alreadyDeadLettered(topic, Duration.ofSeconds(30));
            }
            if (!deadLettered.contains(record.partition() + ":" + record.offset())) {
                deadLetters.send(record, text, text, TopicReplay.Refused.class.getName(), false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // never stall the fold: the record stays refused; the next start's replay tries the dead letter again
            LOG.errorf("Dead letter for %s-%d@%d not sent: %s", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        if (deadLetters != null) {
            deadLetters.close();
        }
    }
}

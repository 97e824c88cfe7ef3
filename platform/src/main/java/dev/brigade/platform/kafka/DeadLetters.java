package dev.brigade.platform.kafka;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

/**
 * Writes records a replay cannot use to {@code <topic>.dlq}, with the headers of {@link DeadLetterHeaders}. A replay
 * reads its topic from offset 0 at every start, so it first asks which offsets are already dead-lettered
 * ({@link #alreadyDeadLettered}): a bad record is dead-lettered once, not once per restart, and one whose dead letter
 * failed to send is sent again at the next start.
 */
public final class DeadLetters implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final KafkaClients clients;
    private final String topic;
    private final String name;
    private final KafkaProducer<String, byte[]> producer;

    /**
     * @param deadLetterTopic where the letters go ({@link TopicNames#dlq}: the install's physical name)
     * @param name the client name, e.g. registry-dead-letters
     */
    public DeadLetters(KafkaClients clients, String deadLetterTopic, String name) {
        this.clients = clients;
        this.topic = deadLetterTopic;
        this.name = name;
        this.producer = clients.producer(name, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000));
    }

    /** "partition:offset" of every record of the source topic already in the dead-letter topic. */
    public Set<String> alreadyDeadLettered(String sourceTopic, Duration timeout) {
        Set<String> seen = new HashSet<>();
        TopicScan.readAll(clients, name + "-scan", topic, Map.of(), timeout, record -> {
            if (sourceTopic.equals(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.TOPIC))) {
                seen.add(DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.PARTITION) + ":"
                        + DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.OFFSET));
            }
        });
        return seen;
    }

    /**
     * Sends the original bytes with the reason; waits for the acknowledgement so the record is not lost.
     *
     * @param decodeFailure true when the bytes did not decode (cause header deserialization-failure-cause), false
     *        when they decoded but could not be used (dead-letter-cause)
     */
    public void send(ConsumerRecord<String, byte[]> record, String reason, String cause, String exceptionClass,
            boolean decodeFailure) throws Exception {
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(topic, null, record.key(), record.value());
        DeadLetterHeaders.put(letter.headers(), DeadLetterHeaders.REASON, reason);
        DeadLetterHeaders.put(letter.headers(),
                decodeFailure ? DeadLetterHeaders.DECODE_CAUSE : DeadLetterHeaders.CAUSE, cause);
        DeadLetterHeaders.put(letter.headers(), DeadLetterHeaders.EXCEPTION_CLASS, exceptionClass);
        DeadLetterHeaders.source(letter.headers(), record.topic(), record.partition(), record.offset());
        producer.send(letter).get(30, TimeUnit.SECONDS);
        LOG.warnf("Dead-lettered %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), reason);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

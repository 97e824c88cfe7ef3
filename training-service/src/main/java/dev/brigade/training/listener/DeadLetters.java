package dev.brigade.training.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Writes records a replay cannot use to {@code <topic>.dlq}, with the same headers the SmallRye dead-letter queue of
 * the other channels uses. A replay reads its topic from offset 0 at every start, so it first asks which offsets are
 * already dead-lettered ({@link #alreadyDeadLettered}): a bad record is dead-lettered once, not once per restart,
 * and one whose dead letter failed to send is sent again at the next start.
 */
public final class DeadLetters implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final String bootstrapServers;
    private final String topic;
    private final String clientId;
    private final KafkaProducer<String, byte[]> producer;

    public DeadLetters(String bootstrapServers, String deadLetterTopic, String clientId) {
        this.bootstrapServers = bootstrapServers;
        this.topic = deadLetterTopic;
        this.clientId = clientId;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** "partition:offset" of every record of the source topic already in the dead-letter topic. */
    public Set<String> alreadyDeadLettered(String sourceTopic, Duration timeout) {
        Set<String> seen = new HashSet<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-scan");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, ends) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (sourceTopic.equals(header(record, "dead-letter-topic"))) {
                        seen.add(header(record, "dead-letter-partition") + ":" + header(record, "dead-letter-offset"));
                    }
                }
            }
        }
        return seen;
    }

    /**
     * Sends the original bytes with the reason; waits for the acknowledgement so the record is not lost.
     *
     * @param decodeFailure true when the bytes did not decode (cause header deserialization-failure-cause), false
     *        when they decoded but could not be folded (dead-letter-cause)
     */
    public void send(ConsumerRecord<String, byte[]> record, String reason, String cause, String exceptionClass,
            boolean decodeFailure) throws Exception {
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(topic, null, record.key(), record.value());
        letter.headers().add("dead-letter-reason", bytes(reason));
        letter.headers().add(decodeFailure ? "deserialization-failure-cause" : "dead-letter-cause", bytes(cause));
        letter.headers().add("dead-letter-exception-class-name", bytes(exceptionClass));
        letter.headers().add("dead-letter-topic", bytes(record.topic()));
        letter.headers().add("dead-letter-partition", bytes(Integer.toString(record.partition())));
        letter.headers().add("dead-letter-offset", bytes(Long.toString(record.offset())));
        producer.send(letter).get(30, TimeUnit.SECONDS);
        LOG.warnf("Dead-lettered %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), reason);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
    }
}

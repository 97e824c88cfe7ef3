package dev.brigade.training.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.brigade.events.TrainingExample;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.serde.EventDecodingException;
import dev.brigade.events.topics.Topics;
import dev.brigade.training.config.TrainingConfig;
import dev.brigade.training.mapping.FiniteNumbers;
import dev.brigade.training.service.ExampleTally;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Follows training-examples from the beginning (no consumer group, read_committed) into the {@link ExampleTally}
 * the NEW_DATA trigger counts with, and owns the topic's dead letters: an example that does not decode, or carries a
 * NaN or infinite number, goes to training-examples.dlq once (offsets already there are skipped after a restart), and
 * the follower moves on. So it
 * runs even when the trigger is off; the tally then stays empty.
 */
@ApplicationScoped
public class TrainingExamplesFollower {

    private static final Logger LOG = Logger.getLogger(TrainingExamplesFollower.class);

    private final ExampleTally tally = new ExampleTally();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    @Produces
    @Singleton
    ExampleTally tally() {
        return tally;
    }

    void start(@Observes StartupEvent event, TrainingConfig config,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        boolean tallying = config.newData().enabled();
        thread = new Thread(() -> follow(bootstrapServers, tallying), "training-examples-follower");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void follow(String bootstrapServers, boolean tallying) {
        EventCodec<TrainingExample> codec = EventCodec.of(TrainingExample.class);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "training-service-example-tally");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p);
                DeadLetters deadLetters = new DeadLetters(bootstrapServers, Topics.dlq(Topics.TRAINING_EXAMPLES),
                        "training-service-example-dead-letters")) {
            consumer = c;
            Set<String> done = deadLetters.alreadyDeadLettered(Topics.TRAINING_EXAMPLES, Duration.ofMinutes(1));
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : c.partitionsFor(Topics.TRAINING_EXAMPLES, Duration.ofMinutes(1))) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            while (true) {
                for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofSeconds(1))) {
                    TrainingExample e;
                    try {
                        e = codec.decode(record.value());
                    } catch (RuntimeException undecodable) {
                        // Not an example this version knows: it can never be trained on, so it is not counted.
                        deadLetter(deadLetters, done, record, "undecodable training example: "
                                + undecodable.getMessage(), undecodable);
                        continue;
                    }
                    String nonFinite = FiniteNumbers.firstNonFinite(e);
                    if (nonFinite != null) {
                        // Flagged for the data owner; a run still sees it (a NaN feature as missing, a NaN label
                        // fails the run naming how many), so bad labels stop training loudly, not silently
                        deadLetter(deadLetters, done, record, FiniteNumbers.reason(e, nonFinite), null);
                        continue;
                    }
                    if (tallying) {
                        tally.record(e.getFeatureSet(), e.getFeatureSetVersion(), e.getUseCase(), record.partition(),
                                record.offset());
                    }
                }
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (RuntimeException e) {
            LOG.errorf(e, "Following %s stopped; the NEW_DATA trigger will not see new examples",
                    Topics.TRAINING_EXAMPLES);
        }
    }

    /** @param e the decoding failure, or null for an example that decoded but cannot be trained on */
    private static void deadLetter(DeadLetters deadLetters, Set<String> done, ConsumerRecord<String, byte[]> record,
            String reason, RuntimeException e) {
        if (done.contains(record.partition() + ":" + record.offset())) {
            return;
        }
        try {
            deadLetters.send(record, reason, e == null ? reason : String.valueOf(e.getMessage()),
                    e == null ? IllegalArgumentException.class.getName() : e.getClass().getName(),
                    e instanceof EventDecodingException);
        } catch (Exception failed) {
            // never stall on it: the next start finds it missing from the dead-letter topic and sends it then
            LOG.errorf("Dead letter for %s-%d@%d not sent: %s", record.topic(), record.partition(), record.offset(),
                    failed.getMessage());
        }
    }
}

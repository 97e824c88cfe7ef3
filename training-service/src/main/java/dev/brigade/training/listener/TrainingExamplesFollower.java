package dev.brigade.training.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

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
import dev.brigade.training.service.ExampleTally;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Follows training-examples from the beginning (no consumer group, read_committed) into the {@link ExampleTally}
 * the NEW_DATA trigger counts with. Runs only when the trigger is on.
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
        if (!config.newData().enabled()) {
            return;
        }
        thread = new Thread(() -> follow(bootstrapServers), "training-examples-follower");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void follow(String bootstrapServers) {
        EventCodec<TrainingExample> codec = EventCodec.of(TrainingExample.class);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "training-service-example-tally");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            consumer = c;
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : c.partitionsFor(Topics.TRAINING_EXAMPLES, Duration.ofMinutes(1))) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            while (true) {
                for (ConsumerRecord<String, byte[]> record : c.poll(Duration.ofSeconds(1))) {
                    try {
                        TrainingExample e = codec.decode(record.value());
                        tally.record(e.getFeatureSet(), e.getFeatureSetVersion(), e.getUseCase(), record.partition(),
                                record.offset());
                    } catch (EventDecodingException e) {
                        // Not an example this version knows: it can never be trained on, so it is not counted.
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
}

package dev.brigade.training.service;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.events.TrainingRunState;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.training.RunState;
import dev.brigade.training.mapping.RunStateMapper;

/**
 * Writes run states to training-run-state, keyed by run id (idempotent, acks=all, from platform's KafkaClients). A
 * failed write is logged, never thrown into the run: the next change or heartbeat writes the run's state again.
 */
@ApplicationScoped
public class RunStateWriter implements RunStateSink {

    private static final Logger LOG = Logger.getLogger(RunStateWriter.class);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final RunStateMapper mapper;
    private final EventCodec<TrainingRunState> codec = EventCodec.of(TrainingRunState.class);

    RunStateWriter(KafkaClients clients, TopicNames names, ObjectMapper json) {
        // A broker outage must not hold a run's lock for the default minute: the write fails, the next one retries
        this.producer = clients.producer("training-service-run-state",
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000, ProducerConfig.LINGER_MS_CONFIG, 0));
        this.topic = names.topic(Topics.TRAINING_RUN_STATE);
        this.mapper = new RunStateMapper(json);
    }

    @Override
    public CompletionStage<Written> write(RunState state) {
        CompletableFuture<Written> written = new CompletableFuture<>();
        try {
            byte[] value = codec.encode(mapper.toAvro(state));
            producer.send(new ProducerRecord<>(topic, state.runId(), value), (metadata, error) -> {
                if (error != null) {
                    LOG.warnf("Could not write the state of run %s (revision %d): %s", state.runId(),
                            state.revision(), error.toString());
                    written.completeExceptionally(error);
                } else {
                    written.complete(new Written(metadata.partition(), metadata.offset()));
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("Could not write the state of run %s (revision %d): %s", state.runId(), state.revision(),
                    e.toString());
            written.completeExceptionally(e);
        }
        return written;
    }

    @PreDestroy
    void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}

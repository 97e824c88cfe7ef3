package dev.brigade.serving.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.brigade.events.BatchJobState;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.serving.JobState;
import dev.brigade.serving.mapping.BatchJobStateMapper;

/** Writes a job's state to batch-jobs (key job id; idempotent, acks=all) and waits for the acknowledgement. */
public final class JobStateWriter implements AutoCloseable {

    private static final EventCodec<BatchJobState> CODEC = EventCodec.of(BatchJobState.class);

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Duration timeout;

    public JobStateWriter(KafkaClients clients, TopicNames names, String name, Duration timeout) {
        this.producer = clients.producer(name, Map.of());
        this.topic = names.topic(Topics.BATCH_JOBS);
        this.timeout = timeout;
    }

    /** @throws IllegalStateException when Kafka did not acknowledge the state within the timeout */
    public RecordMetadata write(JobState state) {
        try {
            return producer.send(new ProducerRecord<>(topic, state.id(),
                    CODEC.encode(BatchJobStateMapper.toEvent(state)))).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the state of batch job " + state.id(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("state of batch job " + state.id() + " not acknowledged by Kafka: "
                    + (e.getCause() == null ? e : e.getCause()), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

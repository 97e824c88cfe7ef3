package dev.brigade.serving.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import dev.brigade.events.topics.Topics;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.TopicNames;
import dev.brigade.serving.LogRateLimit;
import dev.brigade.serving.Prediction;
import dev.brigade.serving.config.ServingConfig;
import dev.brigade.serving.mapping.PredictionMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

/**
 * The prediction log: every scored request becomes a PredictionLogged on the predictions topic (key event id).
 * A request only offers its event to a bounded queue and never waits; one sender thread hands events to Kafka with a
 * bounded number in flight. When the queue is full (Kafka slow or away) the event is dropped, counted in
 * {@code brigade_serving_prediction_log_dropped_total{reason}} and logged (at most every 10 s, with the count), so
 * nothing is lost silently; the same for a send Kafka did not acknowledge.
 *
 * <p>The sender wakes at most once per {@code prediction-log.gather} (5 ms) and hands Kafka what gathered meanwhile.
 * It owns a plain Kafka producer from the platform's KafkaClients (idempotent, acks=all; here lz4, lingering 20 ms
 * so records go in batches, its metrics bound): the
 * messaging emitter it replaced added a reactive stream and a second thread hop per record, about a twentieth of the
 * scoring path's CPU in the benchmark's profile, for nothing this queue does not already do.
 */
@ApplicationScoped
@Startup // the producer is built at start, not on the event loop of the first scored request
public class PredictionLog {

    private static final Logger LOG = Logger.getLogger(PredictionLog.class);

    private final ServingConfig config;
    private final String topic;
    private final ServingMetrics metrics;
    private final KafkaProducer<String, byte[]> producer;
    private final AutoCloseable producerMetrics;
    private final BlockingQueue<Prediction> queue;
    private final Semaphore inFlight;
    private final AtomicLong dropped = new AtomicLong();
    private final LogRateLimit dropLog = new LogRateLimit(Duration.ofSeconds(10));
    private volatile boolean running = true;
    private final Thread sender;

    PredictionLog(KafkaClients clients, TopicNames names, ServingConfig config, ServingMetrics metrics,
            MeterRegistry registry) {
        this.config = config;
        this.topic = names.topic(Topics.PREDICTIONS);
        this.metrics = metrics;
        // Idempotent with acks=all, as every platform producer.
        this.producer = clients.producer("serving-predictions", Map.of(
                // A log, not a conversation: nobody waits for it, and each produce request costs the producer's
                // thread a wake-up, a write and a response whatever its size, so fewer, larger batches.
                ProducerConfig.LINGER_MS_CONFIG, (int) config.predictionLog().linger().toMillis(),
                // Predictions repeat their feature names in every record: lz4 shrinks a batch several times for about
                // a microsecond a record, and bytes on the wire cost the sender's CPU too (on loopback, the
                // receiver's as well).
                ProducerConfig.COMPRESSION_TYPE_CONFIG, config.predictionLog().compression(),
                ProducerConfig.BATCH_SIZE_CONFIG, config.predictionLog().batchSize(),
                // A broker that is away blocks only the sender thread, and not for long: the queue then fills and
                // drops.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000));
        this.producerMetrics = clients.meter(producer);
        this.queue = new ArrayBlockingQueue<>(config.predictionLog().bufferSize());
        this.inFlight = new Semaphore(Math.max(1, config.predictionLog().maxInFlight()));
        Gauge.builder("brigade.serving.prediction.log.queued", queue, BlockingQueue::size)
                .description("Predictions waiting to be sent to Kafka").register(registry);
        this.sender = new Thread(this::send, "prediction-log-sender");
        sender.setDaemon(true);
        sender.start();
    }

    @PreDestroy
    void stop() {
        // Give what is queued a moment to go out before the producer closes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running = false;
        sender.interrupt();
        if (!queue.isEmpty()) {
            LOG.warnf("Stopping with %d predictions not logged", queue.size());
        }
        try {
            producerMetrics.close();
        } catch (Exception e) {
            LOG.debugf("Closing the producer's meters: %s", e);
        }
        producer.close(Duration.ofSeconds(5));
    }

    /** Never blocks: queues the prediction or counts it as dropped. Encoding happens on the sender thread. */
    public void log(Prediction prediction) {
        if (!queue.offer(prediction)) {
            drop("buffer_full", null, prediction);
        }
    }

    /**
     * Wakes once per gathering interval, not once per prediction: each wake-up of a parked thread is a futex call and
     * a context switch on the CPU the requests need, and the producer lingers for its batch anyway.
     */
    private void send() {
        long gatherNanos = config.predictionLog().gather().toNanos();
        List<Prediction> batch = new ArrayList<>(256);
        while (running) {
            try {
                batch.add(queue.take());
                if (gatherNanos > 0) {
                    LockSupport.parkNanos(gatherNanos);
                }
                queue.drainTo(batch, 4095);
                for (Prediction prediction : batch) {
                    ProducerRecord<String, byte[]> record = encode(prediction);
                    if (record != null) {
                        inFlight.acquire();
                        send(record, prediction);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /** The prediction's record, or null when the contract cannot carry it: then it is counted and logged as dropped. */
    private ProducerRecord<String, byte[]> encode(Prediction prediction) {
        try {
            return new ProducerRecord<>(topic, prediction.eventId(), PredictionMapper.toBytes(prediction));
        } catch (RuntimeException e) {
            // Not the contract's (a value type or status it has no symbol for; FeatureWire already maps unknown
            // statuses to MISSING, so this is the last guard): counted and logged, the sender goes on.
            drop("unencodable", e.getMessage(), prediction);
            return null;
        }
    }

    private void send(ProducerRecord<String, byte[]> record, Prediction prediction) {
        try {
            producer.send(record, (metadata, failure) -> {
                inFlight.release();
                if (failure == null) {
                    metrics.predictionLogged();
                } else {
                    drop("send_failed", null, prediction);
                }
            });
        } catch (RuntimeException e) {
            inFlight.release();
            drop("send_failed", null, prediction);
        }
    }

    /** Counts the drop under its reason; logs it with the detail, at most every 10 s. */
    private void drop(String reason, String detail, Prediction prediction) {
        metrics.predictionLogDropped(reason);
        long count = dropped.incrementAndGet();
        if (dropLog.due()) {
            LOG.warnf("Prediction log dropped prediction %s of event %s (%s); %d dropped since start",
                    prediction.predictionId(), prediction.eventId(), detail == null ? reason : reason + ": " + detail,
                    count);
        }
    }
}

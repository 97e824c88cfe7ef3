package dev.brigade.serving.service;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import dev.brigade.events.PredictionLogged;
import dev.brigade.serving.config.Channels;
import dev.brigade.serving.config.ServingConfig;
import io.micrometer.core.instrument.Gauge;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * The prediction log: every scored request becomes a PredictionLogged on the predictions topic (key event id).
 * A request only offers its event to a bounded queue and never waits; one sender thread hands events to Kafka with a
 * bounded number in flight. When the queue is full (Kafka slow or away) the event is dropped, counted in
 * {@code brigade_serving_prediction_log_dropped_total{reason}} and logged (at most every 10 s, with the count), so
 * nothing is lost silently; the same for a send Kafka did not acknowledge.
 */
@ApplicationScoped
public class PredictionLog {

    /** The emitter's own buffer; the in-flight bound below stays under it. */
    static final int EMITTER_BUFFER = 2048;

    private static final Logger LOG = Logger.getLogger(PredictionLog.class);

    @Inject
    @Channel(Channels.PREDICTIONS)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = EMITTER_BUFFER)
    Emitter<PredictionLogged> emitter;

    @Inject
    ServingConfig config;

    @Inject
    ServingMetrics metrics;

    private BlockingQueue<PredictionLogged> queue;
    private Semaphore inFlight;
    private final AtomicLong dropped = new AtomicLong();
    private volatile long lastDropLog;
    private volatile boolean running = true;
    private Thread sender;

    @PostConstruct
    void start() {
        queue = new ArrayBlockingQueue<>(config.predictionLog().bufferSize());
        inFlight = new Semaphore(Math.min(config.predictionLog().maxInFlight(), EMITTER_BUFFER / 2));
        Gauge.builder("brigade.serving.prediction.log.queued", this, p -> p.queue.size())
                .description("Predictions waiting to be sent to Kafka").register(metrics.registry());
        sender = new Thread(this::send, "prediction-log-sender");
        sender.setDaemon(true);
        sender.start();
    }

    @PreDestroy
    void stop() {
        // Give what is queued a moment to go out before the channel closes.
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
    }

    /** Never blocks: queues the event or counts it as dropped. */
    public void log(PredictionLogged event) {
        if (!queue.offer(event)) {
            drop("buffer_full", event);
        }
    }

    /** Sends one event now and completes when Kafka acknowledged (tests, tools). */
    public CompletionStage<Void> publish(PredictionLogged event) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        emitter.send(message(event, () -> acknowledged.complete(null), acknowledged::completeExceptionally));
        return acknowledged;
    }

    public int queued() {
        return queue.size();
    }

    private void send() {
        while (running) {
            PredictionLogged event;
            try {
                event = queue.take();
                inFlight.acquire();
            } catch (InterruptedException e) {
                return;
            }
            try {
                emitter.send(message(event, () -> {
                    inFlight.release();
                    metrics.predictionLogged();
                }, failure -> {
                    inFlight.release();
                    drop("send_failed", event);
                }));
            } catch (RuntimeException e) {
                inFlight.release();
                drop("send_failed", event);
            }
        }
    }

    private Message<PredictionLogged> message(PredictionLogged event, Runnable ack,
            java.util.function.Consumer<Throwable> nack) {
        return Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.getEventId()).build())
                .withAck(() -> {
                    ack.run();
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    nack.accept(failure);
                    return CompletableFuture.completedFuture(null);
                });
    }

    private void drop(String reason, PredictionLogged event) {
        metrics.predictionLogDropped(reason);
        long count = dropped.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastDropLog > TimeUnit.SECONDS.toNanos(10)) {
            lastDropLog = now;
            LOG.warnf("Prediction log dropped prediction %s of event %s (%s); %d dropped since start",
                    event.getPredictionId(), event.getEventId(), reason, count);
        }
    }
}

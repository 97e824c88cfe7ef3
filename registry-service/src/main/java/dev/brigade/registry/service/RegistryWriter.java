package dev.brigade.registry.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.jboss.logging.Logger;

import dev.brigade.events.RegistryEvent;
import dev.brigade.events.serde.EventCodec;
import dev.brigade.platform.kafka.KafkaClients;
import dev.brigade.platform.kafka.signing.RecordSigner;

/**
 * The one writer of registry-events: a transactional producer (from platform's KafkaClients, so idempotent with
 * acks=all) with a fixed transactional.id. Each write is one transaction, so the events of one command (a version
 * and its gate) land together or not at all. Starting a second writer with the same id fences this one: from then
 * on its writes fail and it reports itself fenced, so two registry instances never both append to the log. Only the
 * active instance opens one (see {@link LeaderElector}); a standby that takes over opens a fresh one, which is what
 * fences a predecessor that is still alive but lost its place. Not thread-safe: the command service calls it under
 * its write lock.
 *
 * <p>Every record is signed (platform's {@link RecordSigner}: headers brigade-signature and brigade-key-id over its
 * key and value), because every reader of registry-events refuses a record it cannot verify: writing to the topic
 * is not enough to change the registry.
 */
public final class RegistryWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RegistryWriter.class);

    private final KafkaClients clients;
    private final String topic;
    private final Duration timeout;
    private final EventCodec<RegistryEvent> codec = EventCodec.of(RegistryEvent.class);
    private final Map<String, Object> overrides;
    private final RecordSigner signer;
    private KafkaProducer<String, byte[]> producer;
    private AutoCloseable metrics;
    private volatile boolean fenced;

    public RegistryWriter(KafkaClients clients, String topic, String transactionalId, Duration timeout,
            RecordSigner signer) {
        this.clients = clients;
        this.signer = signer;
        this.topic = topic;
        this.timeout = timeout;
        int requestTimeout = (int) Math.min(timeout.toMillis(), 10_000);
        this.overrides = Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout,
                // Kafka wants delivery.timeout >= linger + request.timeout.
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), requestTimeout + 1000),
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        this.producer = open();
        LOG.infof("Registry writer %s ready on %s, signing with key id %s", transactionalId, topic, signer.keyId());
    }

    private KafkaProducer<String, byte[]> open() {
        KafkaProducer<String, byte[]> opened = clients.producer("registry-writer", overrides);
        try {
            // Fences any earlier writer with this id and completes or aborts its open transaction.
            opened.initTransactions();
            metrics = clients.meter(opened);
            return opened;
        } catch (RuntimeException e) {
            opened.close(Duration.ZERO);
            throw e;
        }
    }

    public boolean fenced() {
        return fenced;
    }

    /**
     * Appends the events in one transaction, keyed by use case.
     *
     * @return the metadata of each record, in order
     * @throws RegistryException UNAVAILABLE if Kafka did not take them (nothing was committed) or this writer is
     *         fenced
     */
    public List<RecordMetadata> write(List<RegistryEvent> events) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (RegistryEvent event : events) {
            records.add(new ProducerRecord<>(topic, event.getUseCase(), codec.encode(event)));
        }
        return commit(records);
    }

    /**
     * Writes one signed record to another topic in a transaction of its own: the active instance's announcement on
     * registry-leader, so the announcement is also the proof that this writer's transactions commit.
     */
    public RecordMetadata announce(String announcementTopic, String key, byte[] value) {
        return commit(List.of(new ProducerRecord<>(announcementTopic, key, value))).get(0);
    }

    private List<RecordMetadata> commit(List<ProducerRecord<String, byte[]>> records) {
        if (fenced) {
            throw fencedException();
        }
        try {
            if (producer == null) {
                producer = open();
            }
            producer.beginTransaction();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<String, byte[]> record : records) {
                signer.sign(record.key(), record.value(), record.headers());
                sent.add(producer.send(record));
            }
            producer.commitTransaction();
            List<RecordMetadata> metadata = new ArrayList<>();
            for (Future<RecordMetadata> future : sent) {
                metadata.add(future.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            }
            return metadata;
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            fenced = true;
            LOG.error("Another registry instance took over registry-events; this one no longer writes", e);
            closeQuietly();
            throw fencedException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abortQuietly();
            throw RegistryException.unavailable("interrupted while writing");
        } catch (Exception e) {
            abortQuietly();
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE,
                    "Kafka did not confirm the change (" + e.getMessage()
                            + "); the registry's state shows whether it landed before you retry", List.of(), e);
        }
    }

    private RegistryException fencedException() {
        return RegistryException.unavailable(
                "this registry instance was fenced by another one with the same writer id; send writes there");
    }

    private void abortQuietly() {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            fenced = true;
            closeQuietly();
        } catch (RuntimeException e) {
            // A producer that cannot abort is in a fatal state: start a fresh one (same id) on the next write.
            LOG.warn("Cannot abort the registry transaction; the writer reopens on the next write", e);
            closeQuietly();
        }
    }

    private void closeQuietly() {
        try {
            close(Duration.ZERO);
        } catch (RuntimeException ignored) {
            // Fenced producers may refuse even to close cleanly; nothing to recover.
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    private void close(Duration wait) {
        KafkaProducer<String, byte[]> current = producer;
        producer = null;
        if (current == null) {
            return;
        }
        try {
            metrics.close();
        } catch (Exception e) {
            LOG.debug("Writer metrics not unbound", e);
        }
        current.close(wait);
    }
}

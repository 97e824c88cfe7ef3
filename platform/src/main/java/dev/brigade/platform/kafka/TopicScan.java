package dev.brigade.platform.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * A bounded read of offset ranges: every record inside a range goes to the handler, once, in partition order. A
 * partition is done when the consumer's position reaches the range's end (transaction markers take offsets too, so
 * the last record seen cannot tell). No consumer group: nothing is committed. Reads read_committed unless told
 * otherwise.
 */
public final class TopicScan implements AutoCloseable {

    /** Offsets [from, to) of one partition. */
    public record Range(TopicPartition partition, long from, long to) {

        public long size() {
            return Math.max(0, to - from);
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;

    private TopicScan(KafkaConsumer<String, byte[]> consumer) {
        this.consumer = consumer;
    }

    /** A scan with its own consumer; overrides go on top of read_committed and 2000 records a poll. */
    public static TopicScan open(KafkaClients clients, String name, Map<String, ?> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.putAll(overrides);
        return new TopicScan(clients.consumer(name, props));
    }

    /** Reads the whole topic as it is now (beginning to end offsets); false when the timeout came first. */
    public static boolean readAll(KafkaClients clients, String name, String topic, Map<String, ?> overrides,
            Duration timeout, Consumer<ConsumerRecord<String, byte[]>> handler) {
        try (TopicScan scan = open(clients, name, overrides)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            return scan.read(scan.wholeTopic(topic, timeout), () -> System.nanoTime() > deadline, handler,
                    scanned -> { });
        }
    }

    /** Each partition of the topic from its beginning to its end offset now, in partition order. */
    public List<Range> wholeTopic(String topic, Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, timeout)) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        partitions.sort(Comparator.comparingInt(TopicPartition::partition));
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        return partitions.stream().map(tp -> new Range(tp, begin.get(tp), end.get(tp))).toList();
    }

    /**
     * Reads the ranges to their ends.
     *
     * @param stop asked between polls; true ends the read early (a deadline, a cancelled job)
     * @param progress the number of offsets read so far in all ranges, after each poll
     * @return true when every range was read to its end, false when {@code stop} ended it first
     */
    public boolean read(List<Range> ranges, BooleanSupplier stop, Consumer<ConsumerRecord<String, byte[]>> handler,
            java.util.function.LongConsumer progress) {
        Map<TopicPartition, Range> open = new HashMap<>();
        for (Range range : ranges) {
            if (range.to() > range.from()) {
                open.put(range.partition(), range);
            }
        }
        consumer.assign(open.keySet());
        open.values().forEach(range -> consumer.seek(range.partition(), range.from()));
        Map<TopicPartition, Range> all = Map.copyOf(open);
        while (!open.isEmpty()) {
            if (stop.getAsBoolean()) {
                return false;
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                Range range = open.get(new TopicPartition(record.topic(), record.partition()));
                if (range != null && record.offset() >= range.from() && record.offset() < range.to()) {
                    handler.accept(record);
                }
            }
            long scanned = 0;
            for (Range range : all.values()) {
                long position = open.containsKey(range.partition()) ? consumer.position(range.partition())
                        : range.to();
                scanned += Math.min(position, range.to()) - range.from();
                if (position >= range.to() && open.remove(range.partition()) != null) {
                    consumer.pause(List.of(range.partition()));
                }
            }
            progress.accept(scanned);
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}

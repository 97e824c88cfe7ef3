package dev.brigade.events.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.brigade.broker.SharedKafkaBroker;
import dev.brigade.events.SampleEvents;
import dev.brigade.events.serde.AvroEventDeserializer;
import dev.brigade.events.serde.AvroEventSerializer;

/** The contract on a real broker: topics as catalogued, and every event type through the serde and back. */
class EventContractKafkaTest {

    private static String bootstrap;

    @BeforeAll
    static void startBroker() {
        bootstrap = SharedKafkaBroker.bootstrapServers();
    }

    @Test
    void ensuringTopicsIsIdempotentAndAppliesTheCatalogue() throws Exception {
        // Given an empty broker, When the catalogue is ensured twice
        TopicProvisioner.Result first = ensureTopics();
        TopicProvisioner.Result second = ensureTopics();

        // Then the second run creates nothing and sees every topic
        List<String> names = TopicCatalog.all().stream().map(TopicSpec::name).toList();
        assertThat(first.created().size() + first.existing().size()).isEqualTo(names.size());
        assertThat(second.created()).isEmpty();
        assertThat(second.existing()).containsExactlyInAnyOrderElementsOf(names);

        // And partitions, retention and compaction are as catalogued
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            for (TopicSpec spec : TopicCatalog.all()) {
                assertThat(descriptions.get(spec.name()).partitions()).as(spec.name()).hasSize(spec.partitions());
            }
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.REGISTRY_EVENTS),
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.FEATURE_SETS))).all().get(30, TimeUnit.SECONDS);
            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.REGISTRY_EVENTS))
                    .get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");
            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.FEATURE_SETS))
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
        }
    }

    @Test
    void everyEventTypeMakesARoundTripThroughItsTopic() {
        // Given the topics, and one event of every type and payload variant, each bound for its catalogued topic
        ensureTopics();
        // (a value type may have several topics: raw-events.accepted carries RawEvent like raw-events)
        List<SpecificRecord> samples = SampleEvents.oneOfEach();
        Map<TopicSpec, List<SpecificRecord>> byTopic = TopicCatalog.eventTopics().stream().collect(Collectors.toMap(
                t -> t, t -> samples.stream().filter(e -> e.getClass() == t.valueType()).toList()));
        assertThat(byTopic.values()).allSatisfy(events -> assertThat(events).isNotEmpty());
        assertThat(samples).allSatisfy(e -> assertThat(TopicCatalog.eventTopics())
                .anySatisfy(t -> assertThat(t.valueType()).isEqualTo(e.getClass())));

        // When they are produced with the serializer
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(producerProps())) {
            byTopic.forEach((topic, events) -> events.forEach(
                    e -> producer.send(new ProducerRecord<>(topic.name(), "key", e))));
            producer.flush();
        }

        // Then each topic gives back exactly its events, decoded by a deserializer configured for its type
        byTopic.forEach((topic, events) -> assertThat(consumeAll(topic, events.size()))
                .as(topic.name()).containsExactlyInAnyOrderElementsOf(events));
    }

    private static List<Object> consumeAll(TopicSpec topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "contract-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroEventDeserializer.class.getName());
        props.put(AvroEventDeserializer.VALUE_TYPE_CONFIG, topic.valueType().getName());
        List<Object> values = new ArrayList<>();
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroEventSerializer.class.getName());
        return props;
    }


    private static TopicProvisioner.Result ensureTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return new TopicProvisioner(admin, (short) 1, Duration.ofSeconds(30)).ensure(TopicCatalog.all());
        }
    }
}

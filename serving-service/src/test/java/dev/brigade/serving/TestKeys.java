package dev.brigade.serving;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import dev.brigade.platform.kafka.signing.RecordSigner;

/**
 * The test-only keys of src/test/resources/signing: the registry's (the %test profile trusts its certificate) and
 * one nobody trusts; and registry events written as the registry writes them, signed, or forged.
 */
public final class TestKeys {

    private static final Path DIR = Path.of("src/test/resources/signing");
    private static final char[] PASSWORD = "brigade-test".toCharArray();
    private static final Map<String, KafkaProducer<String, byte[]>> PRODUCERS = new ConcurrentHashMap<>();

    private TestKeys() {
    }

    public static RecordSigner trusted() {
        return RecordSigner.fromKeystore(DIR.resolve("registry-signing.p12"), PASSWORD, "registry-signing");
    }

    public static RecordSigner untrusted() {
        return RecordSigner.fromKeystore(DIR.resolve("untrusted.p12"), PASSWORD, "untrusted");
    }

    /** Signed with the registry's test key, to the broker of the running test's configuration. */
    public static RecordMetadata send(String topic, String key, byte[] value) {
        return send(topic, key, value, trusted());
    }

    /** Signed with this key, or unsigned when it is null. */
    public static RecordMetadata send(String topic, String key, byte[] value, RecordSigner signer) {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        // one producer per broker for the whole test JVM: its network thread is a daemon
        KafkaProducer<String, byte[]> producer = PRODUCERS.computeIfAbsent(bootstrap, servers -> new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), new StringSerializer(),
                new ByteArraySerializer()));
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        if (signer != null) {
            signer.sign(key, value, record.headers());
        }
        try {
            return producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("send to " + topic + " failed", e);
        }
    }
}

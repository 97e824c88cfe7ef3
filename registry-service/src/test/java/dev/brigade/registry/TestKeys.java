package dev.brigade.registry;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.brigade.platform.kafka.signing.RecordSigner;
import dev.brigade.platform.kafka.signing.RecordVerifier;
import dev.brigade.platform.kafka.signing.SignatureGate;

/**
 * The test-only keys of src/test/resources/signing (the %test profile's): the registry's, one nobody trusts, and a
 * producer that writes hand-made registry events signed as the registry signs them, or not.
 */
public final class TestKeys {

    private static final Path DIR = Path.of("src/test/resources/signing");
    private static final char[] PASSWORD = "brigade-test".toCharArray();

    private TestKeys() {
    }

    /** The key the %test profile's registry signs with and every station trusts. */
    public static RecordSigner trusted() {
        return RecordSigner.fromKeystore(DIR.resolve("registry-signing.p12"), PASSWORD, "registry-signing");
    }

    /** A well-formed key whose certificate no station trusts. */
    public static RecordSigner untrusted() {
        return RecordSigner.fromKeystore(DIR.resolve("untrusted.p12"), PASSWORD, "untrusted");
    }

    public static RecordVerifier verifier() {
        return RecordVerifier.fromCertificates(List.of(DIR.resolve("registry-signing.pem")));
    }

    /** The check a replay of tests puts in front of its fold: the test key trusted, nothing counted. */
    public static SignatureGate gate() {
        return SignatureGate.counting(verifier(), "registry-events", null);
    }

    /** Writes records to the broker, signed with a given key or unsigned. */
    public static final class Producer implements AutoCloseable {

        private final KafkaProducer<String, byte[]> producer;

        public Producer(String bootstrapServers) {
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                    new StringSerializer(), new ByteArraySerializer());
        }

        /** Signed with the trusted test key, as the registry writes. */
        public RecordMetadata send(String topic, String key, byte[] value) {
            return send(topic, key, value, trusted());
        }

        /** Signed with this key, or unsigned when it is null. */
        public RecordMetadata send(String topic, String key, byte[] value, RecordSigner signer) {
            RecordHeaders headers = new RecordHeaders();
            if (signer != null) {
                signer.sign(key, value, headers);
            }
            return send(topic, key, value, headers);
        }

        /** With exactly these headers (a signature taken from another record, say). */
        public RecordMetadata send(String topic, String key, byte[] value, Headers headers) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null, key, value, headers);
            try {
                return producer.send(record).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("send to " + topic + " failed", e);
            }
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}

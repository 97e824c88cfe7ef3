package dev.brigade.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Headers;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;

/**
 * Keeps dead letters of undecodable records within the broker's size limit. SmallRye puts the failed bytes into
 * two headers ({@code deserialization-failure-data} and {@code -value-data}), copies the record's headers into the
 * dead letter and uses one of them as its value: a record of 1 MB becomes a 3 MB dead letter that the broker
 * refuses, the channel fails and the consumer stalls. Here the redundant copy is emptied, and bytes past
 * {@link #MAX_KEPT} are cut, with the original size and sha256 in headers, so the dead letter always fits.
 */
@ApplicationScoped
@Identifier(CompactDeadLetters.NAME)
public class CompactDeadLetters implements DeserializationFailureHandler<Object> {

    public static final String NAME = "compact-dead-letters";
    public static final String ORIGINAL_SIZE = "dead-letter-original-size";
    public static final String ORIGINAL_SHA256 = "dead-letter-original-sha256";
    /** The value and its header copy, plus headers, must stay under the producer's 1 MiB request limit. */
    static final int MAX_KEPT = 256 * 1024;

    @Override
    public Object handleDeserializationFailure(String topic, boolean isKey, String deserializer, byte[] data,
            Exception exception, Headers headers) {
        // The dead-letter queue reads the value from -value-data (-key-data for keys) once -data is present.
        headers.remove(DESERIALIZATION_FAILURE_DATA);
        headers.add(DESERIALIZATION_FAILURE_DATA, new byte[0]);
        String copy = isKey ? DESERIALIZATION_FAILURE_KEY_DATA : DESERIALIZATION_FAILURE_VALUE_DATA;
        if (data != null && data.length > MAX_KEPT) {
            headers.remove(copy);
            headers.add(copy, Arrays.copyOf(data, MAX_KEPT));
            headers.add(ORIGINAL_SIZE, Integer.toString(data.length).getBytes(StandardCharsets.UTF_8));
            headers.add(ORIGINAL_SHA256, sha256(data).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

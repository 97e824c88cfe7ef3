package dev.brigade.registry.mapping;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.brigade.events.text.Durations;

/**
 * The JSON forms the registry stores in registry-events: canonical (sorted keys, no nulls, compact durations), so
 * equal content gives equal bytes and an equal sha256. Reading is lenient about fields a newer writer added, so a
 * replay never drops history over a field it does not know.
 */
public final class RegistryJson {

    /** Durations as people write them ("6h", "30d"), in the largest unit that divides them evenly. */
    private static final SimpleModule DURATIONS = new SimpleModule("brigade-durations")
            .addSerializer(Duration.class, new ToStringSerializerBase(Duration.class) {
                @Override
                public String valueToString(Object value) {
                    return Durations.format((Duration) value);
                }
            })
            .addDeserializer(Duration.class, new FromStringDeserializer<>(Duration.class) {
                @Override
                protected Duration _deserialize(String value, DeserializationContext ctxt) {
                    return Durations.parse(value);
                }
            });

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .addModule(DURATIONS)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private RegistryJson() {
    }

    public static String canonical(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static JsonNode tree(String canonicalJson) {
        try {
            return CANONICAL.readTree(canonicalJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return CANONICAL.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Parses a request body: YAML for YAML media types, JSON otherwise. */
    public static JsonNode parseDocument(String body, boolean yaml) {
        try {
            return yaml ? YAML.readTree(body) : CANONICAL.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException((yaml ? "not YAML: " : "not JSON: ") + firstLine(e.getMessage()), e);
        }
    }

    public static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

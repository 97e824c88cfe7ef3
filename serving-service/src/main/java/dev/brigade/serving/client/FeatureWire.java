package dev.brigade.serving.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.serving.LogRateLimit;
import dev.brigade.serving.mapping.JsonScalars;
import io.vertx.core.buffer.Buffer;

/**
 * The feature-service's look-up bodies and answers, written and read with Jackson's streaming generator and parser
 * (no trees): the single form ({@code {"attributes": {...}, "asOf": "..."}} answered by {@code {"features": ...}})
 * and the batch form ({@code {"lookups": [...]}} answered by {@code {"results": [{"features": ...}, ...]}}).
 */
final class FeatureWire {

    /** The statuses the feature-service serves under the contract (FeatureStatus); IMPUTED is serving's own. */
    static final Set<String> SERVED_STATUSES = Set.of("PRESENT", "DEFAULTED", "NO_HISTORY", "MISSING");
    private static final String MISSING = "MISSING";
    private static final Logger LOG = Logger.getLogger(FeatureWire.class);
    /** A feature-service that speaks a newer contract says so on every look-up: once a minute is enough. */
    private static final LogRateLimit UNKNOWN_STATUS_LOG = new LogRateLimit(Duration.ofMinutes(1));

    /** Doubles parsed and written by Jackson's fast (and exact) number code: look-ups carry many of them. */
    private static final JsonFactory JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build()).getFactory();

    private FeatureWire() {
    }

    /**
     * The look-up's body, {@code {"attributes": {...}, "asOf": "..."}}: attributes are the scalars RequestParser lets
     * through (null, boolean, long, double, string).
     */
    static byte[] body(Map<String, Object> attributes, Instant asOf) throws IOException {
        Map<String, Object> named = attributes == null ? Map.of() : attributes;
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + 32 * named.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            writeAttributes(g, named);
            if (asOf != null) {
                g.writeStringField("asOf", asOf.toString());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** {@code {"lookups": [{"entityId", "attributes", "asOf"}, ...]}}, in the batch's order. */
    static byte[] batchBody(List<LookupCoalescer.Pending> batch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 96 * batch.size());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("lookups");
            for (LookupCoalescer.Pending p : batch) {
                g.writeStartObject();
                g.writeStringField("entityId", p.entityId);
                writeAttributes(g, p.attributes);
                if (p.asOf != null) {
                    g.writeStringField("asOf", p.asOf.toString());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void writeAttributes(JsonGenerator g, Map<String, Object> attributes) throws IOException {
        g.writeObjectFieldStart("attributes");
        if (attributes != null) {
            for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
                g.writeFieldName(attribute.getKey());
                JsonScalars.write(g, attribute.getValue());
            }
        }
        g.writeEndObject();
    }

    /** A single look-up's answer as a look-up: its features on a 200, else why not. */
    static FeatureLookup answer(int status, Buffer body, long nanos) {
        if (status != 200) {
            return FeatureLookup.failed(outcomeOf(status), nanos, refusal(status, body));
        }
        try {
            return new FeatureLookup(FeatureLookup.Outcome.OK, features(body.getBytes()), nanos, null);
        } catch (Exception e) {
            return FeatureLookup.failed(FeatureLookup.Outcome.ERROR, nanos, "unreadable answer: " + e.getMessage());
        }
    }

    /** A 5xx is the feature-service away (UNAVAILABLE); another answer but 200 is an ERROR. */
    static FeatureLookup.Outcome outcomeOf(int status) {
        return status >= 500 ? FeatureLookup.Outcome.UNAVAILABLE : FeatureLookup.Outcome.ERROR;
    }

    static String refusal(int status, Buffer body) {
        String text = body.length() > 300 ? body.getString(0, 300) : body.toString();
        return "feature-service answered " + status + ": " + text;
    }

    /** The {@code features} of each element of a batch answer's {@code results}, in order. */
    static List<Map<String, FeatureLookup.Value>> batchFeatures(byte[] answer) throws IOException {
        List<Map<String, FeatureLookup.Value>> results = new ArrayList<>();
        try (JsonParser p = JSON.createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                if (!"results".equals(field) || token != JsonToken.START_ARRAY) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    results.add(readLookup(p));
                }
            }
        }
        return results;
    }

    /**
     * The {@code features} of a look-up answer: each feature's scalar {@code value} and its {@code status} (PRESENT
     * when absent); other fields are skipped. A status the contract does not name (a newer feature-service) makes the
     * feature MISSING, as an Avro reader maps an unknown FeatureStatus symbol to its default: the model gets the
     * request's attribute or the imputed value, flagged in the answer, instead of a value whose meaning it was not
     * trained on, and the prediction stays encodable for the log.
     */
    static Map<String, FeatureLookup.Value> features(byte[] answer) throws IOException {
        try (JsonParser p = JSON.createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            return readLookup(p);
        }
    }

    /** One look-up answer's features; the parser is on its START_OBJECT and ends on its END_OBJECT. */
    private static Map<String, FeatureLookup.Value> readLookup(JsonParser p) throws IOException {
        Map<String, FeatureLookup.Value> values = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            if (!"features".equals(field) || token != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                Object value = null;
                String status = "PRESENT";
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    p.skipChildren();
                } else {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        JsonToken t = p.nextToken();
                        if ("value".equals(key)) {
                            value = scalar(p, t);
                        } else if ("status".equals(key) && t.isScalarValue() && t != JsonToken.VALUE_NULL) {
                            status = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                if (!SERVED_STATUSES.contains(status)) {
                    unknownStatus(name, status);
                    value = null;
                    status = MISSING;
                }
                values.put(name, new FeatureLookup.Value(value, status));
            }
        }
        return values;
    }

    private static void unknownStatus(String feature, String status) {
        if (UNKNOWN_STATUS_LOG.due()) {
            LOG.warnf("feature-service served status %s for feature %s, which the contract does not name: treated "
                    + "as MISSING (logged at most once a minute)", status, feature);
        }
    }

    /** A scalar as a Java value (Boolean, Long, Double, String); null for null and for containers. */
    private static Object scalar(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NUMBER_INT:
                JsonParser.NumberType type = p.getNumberType();
                return type == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getDoubleValue()
                        : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_STRING:
                return p.getText();
            case START_OBJECT:
            case START_ARRAY:
                p.skipChildren();
                return null;
            default:
                return null;
        }
    }
}

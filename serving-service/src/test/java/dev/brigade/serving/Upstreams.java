package dev.brigade.serving;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A test's hands on {@link FakeUpstreams}: put artifacts and feature answers, make the feature-service slow or down. */
public final class Upstreams {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Upstreams() {
    }

    public static void artifact(String sha256, byte[] bytes) {
        put("/admin/artifacts/" + sha256, bytes);
    }

    /**
     * The feature-service's answer for an entity, or for every entity of the set with entityId "*". Values: a value
     * (status PRESENT), or a {value, status} map.
     */
    public static void features(String set, String entityId, Map<String, ?> values) {
        Map<String, Object> features = new LinkedHashMap<>();
        values.forEach((name, v) -> features.put(name, v instanceof Map ? v : Map.of("value", v, "status",
                "PRESENT")));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("featureSet", set);
        answer.put("version", 1);
        answer.put("entityId", entityId);
        answer.put("asOf", "2026-11-26T10:00:00Z");
        answer.put("features", features);
        answer.put("servedBy", "fake");
        try {
            put("/admin/features/" + set + "/" + entityId, JSON.writeValueAsBytes(answer));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, Object> status(Object value, String status) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("value", value);
        v.put("status", status);
        return v;
    }

    /** ok, down (503 to every look-up) or delay:<ms>. */
    public static void mode(String mode) {
        put("/admin/mode", mode.getBytes());
    }

    /** Entities looked up, single or in batches. */
    public static long lookups() {
        return count("/admin/lookups");
    }

    /** Batch calls answered. */
    public static long batches() {
        return count("/admin/batches");
    }

    private static long count(String path) {
        try {
            return Long.parseLong(HTTP.send(HttpRequest.newBuilder(uri(path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(String path, byte[] body) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(uri(path))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 204) {
                throw new IllegalStateException(path + " answered " + response.statusCode());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static URI uri(String path) {
        return URI.create(System.getProperty("brigade.test.fake-upstreams") + path);
    }
}

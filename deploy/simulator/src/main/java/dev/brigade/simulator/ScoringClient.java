package dev.brigade.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Calls the scoring API the way an application does before it acts: one request per event, with a timeout. */
public final class ScoringClient {

    /** How a call ended; a real application would fall back to its own rule on anything but SCORED. */
    public enum Outcome { SCORED, REFUSED, FAILED }

    record Answer(Outcome outcome, int status, Integer modelVersion, String variant) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final String baseUrl;
    private final Duration timeout;

    ScoringClient(String baseUrl, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        // HTTP/1.1: the JDK client's h2c upgrade attempt doubles requests against servers that refuse it.
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    Answer score(SimEvent event) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("eventId", event.eventId());
        body.put("entityId", event.entityId());
        body.put("attributes", event.attributes());
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/score/" + event.useCase()))
                    .timeout(timeout).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                return new Answer(response.statusCode() < 500 ? Outcome.REFUSED : Outcome.FAILED,
                        response.statusCode(), null, null);
            }
            JsonNode answer = JSON.readTree(response.body());
            JsonNode model = answer.path("model");
            return new Answer(Outcome.SCORED, 200, model.hasNonNull("version") ? model.get("version").asInt() : null,
                    model.path("variant").asText(null));
        } catch (IOException e) {
            return new Answer(Outcome.FAILED, 0, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(Outcome.FAILED, 0, null, null);
        }
    }
}

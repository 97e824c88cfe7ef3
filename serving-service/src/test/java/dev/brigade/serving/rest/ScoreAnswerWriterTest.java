package dev.brigade.serving.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.brigade.serving.ScoreAnswer;
import dev.brigade.serving.Variant;

class ScoreAnswerWriterTest {

    /** Jackson with the writer's number format (the fast double writer), so the text can be compared too. */
    private static final ObjectMapper JACKSON = new ObjectMapper(ScoreAnswerWriter.JSON);
    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Test
    void writesWhatJacksonWritesFieldByFieldInTheSameOrder() throws Exception {
        // Given answers with every kind of feature value, a null decision, escapes and non-ASCII in warnings
        Map<String, ScoreAnswer.ServedFeature> features = new LinkedHashMap<>();
        features.put("online", new ScoreAnswer.ServedFeature(true, "PRESENT"));
        features.put("txn_count_10m", new ScoreAnswer.ServedFeature(3L, "DEFAULTED"));
        features.put("amount", new ScoreAnswer.ServedFeature(12.5, "PRESENT"));
        features.put("ratio", new ScoreAnswer.ServedFeature(1.0E-7, "IMPUTED"));
        features.put("label", new ScoreAnswer.ServedFeature("gold \"card\"", "NO_HISTORY"));
        features.put("nothing", new ScoreAnswer.ServedFeature(null, "IMPUTED"));
        List<ScoreAnswer> answers = List.of(
                new ScoreAnswer("p-1", "e-1", "card-42", "fraud", 0.12345678901234566, "negative",
                        new ScoreAnswer.ModelRef(3, Variant.CANARY), features, true,
                        List.of("over the latency budget: 26.01 ms of 25.0 ms", "café \\ \n tab\t"),
                        new ScoreAnswer.Latency(26010, 15000, 480, 25.0)),
                new ScoreAnswer("p-2", "e-2", "c", "regress", -1.5E300, null,
                        new ScoreAnswer.ModelRef(1, Variant.BASELINE), Map.of(), false, List.of(),
                        new ScoreAnswer.Latency(0, 0, 0, 0.5)));

        for (ScoreAnswer answer : answers) {
            // When it is written by the streaming writer and by Jackson
            byte[] fast = ScoreAnswerWriter.bytes(answer);
            byte[] jackson = JACKSON.writeValueAsBytes(answer);

            // Then the two are the same JSON, and the same text (field order included)
            JsonNode expected = JACKSON.readTree(jackson);
            assertThat(JACKSON.readTree(fast)).isEqualTo(expected);
            assertThat(new String(fast, java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(new String(jackson, java.nio.charset.StandardCharsets.UTF_8));
            // And a reader gets the numbers the default double format gives
            assertThat(PLAIN.readTree(fast)).isEqualTo(PLAIN.readTree(PLAIN.writeValueAsBytes(answer)));
        }
    }

    @Test
    void everyDoubleReadsBackAsTheSameDouble() throws Exception {
        // Given 100,000 scores across magnitudes, and the edges
        java.util.Random random = new java.util.Random(5);
        List<Double> scores = new java.util.ArrayList<>(List.of(0.0, -0.0, 1.0, 0.1, 1.0E-7, 4.9E-324,
                Double.MAX_VALUE, Double.MIN_NORMAL, 2.0E-3, 1.0E23, 9007199254740993.0));
        for (int i = 0; i < 100_000; i++) {
            scores.add(Double.longBitsToDouble(random.nextLong()));
            scores.add(random.nextDouble());
        }
        for (double score : scores) {
            if (!Double.isFinite(score)) {
                continue;
            }
            // When written in an answer
            ScoreAnswer answer = new ScoreAnswer("p", "e", "c", "u", score, null,
                    new ScoreAnswer.ModelRef(1, Variant.CHAMPION), Map.of(), false, List.of(),
                    new ScoreAnswer.Latency(0, 0, 0, 1.0));

            // Then it reads back exactly
            assertThat(PLAIN.readTree(ScoreAnswerWriter.bytes(answer)).get("score").doubleValue()).isEqualTo(score);
        }
    }
}

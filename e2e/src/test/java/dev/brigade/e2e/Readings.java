package dev.brigade.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/** What the fault suites compare before and after a fault, read as users and ops read it: over HTTP. */
final class Readings {

    private Readings() {
    }

    /** The registry's state as a reader sees it: use cases, specs, versions, aliases and their history. */
    static JsonNode registryState(String registryUrl, String useCase) {
        Map<String, JsonNode> state = new LinkedHashMap<>();
        for (String path : List.of("", "/" + useCase, "/" + useCase + "/specs", "/" + useCase + "/versions",
                "/" + useCase + "/aliases", "/" + useCase + "/aliases/history")) {
            Http.Answer answer = Http.get(registryUrl + "/v1/use-cases" + path);
            assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(200);
            state.put(path, answer.json());
        }
        return Http.JSON.valueToTree(state);
    }

    /** The sum of a Prometheus counter over all its label sets, from a station's /q/metrics. */
    static double metricSum(String stationUrl, String metric) {
        String metrics = Http.get(stationUrl + "/q/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(2));
        }
        return total;
    }
}

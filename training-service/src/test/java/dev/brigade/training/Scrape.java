package dev.brigade.training;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One read of /q/metrics (Prometheus text): a sample's value by name and labels, whatever the label order. */
record Scrape(String text) {

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Scrape now() {
        return new Scrape(given().when().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    /** The first sample named {@code name} whose labels include every pair given. */
    OptionalDouble value(String name, Map<String, String> labels) {
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.find() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> have = new java.util.HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    have.put(l.group(1), l.group(2));
                }
            }
            if (have.entrySet().containsAll(labels.entrySet())) {
                return OptionalDouble.of(Double.parseDouble(m.group(4)));
            }
        }
        return OptionalDouble.empty();
    }
}

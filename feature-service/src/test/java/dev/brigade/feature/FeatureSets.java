package dev.brigade.feature;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import dev.brigade.feature.mapping.FeatureSetParser;

/** The shipped feature sets, read the way the service reads them. */
public final class FeatureSets {

    private FeatureSets() {
    }

    public static String yaml(String resource) {
        try (InputStream in = FeatureSets.class.getClassLoader().getResourceAsStream("feature-sets/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no shipped feature set " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static FeatureSetDefinition cardActivity() {
        return FeatureSetParser.parse(yaml("card-activity-v1.yaml")).definition().orElseThrow();
    }

    public static FeatureSetDefinition courierLoad() {
        return FeatureSetParser.parse(yaml("courier-load-v1.yaml")).definition().orElseThrow();
    }
}

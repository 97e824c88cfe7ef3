package dev.brigade.registry.service;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.brigade.platform.document.Fields;
import dev.brigade.registry.InputType;
import dev.brigade.registry.ReferenceProfile;
import dev.brigade.registry.RuntimeContract;

/**
 * Reads a model version's {@code referenceProfile}, the distribution the monitor compares live traffic with: one
 * histogram or category profile per contract input, of the contract's type, shares summing to 1.
 */
final class ProfileSection {

    private ProfileSection() {
    }

    /** The profile, or null when it is invalid (then the errors are in fields). */
    static ReferenceProfile read(Fields fields, Fields.Obj o, RuntimeContract contract) {
        Long n = o.integer("n", true, "rows the profile was computed from", 1, Long.MAX_VALUE);
        Fields.Obj features = o.object("features", true);
        Map<String, ReferenceProfile.Feature> profiles = new LinkedHashMap<>();
        boolean ok = true;
        for (Iterator<String> names = features.fieldNames(); names.hasNext();) {
            String name = names.next();
            Fields.Obj f = features.object(name, true);
            ReferenceProfile.Feature feature = feature(fields, f);
            if (feature == null) {
                ok = false;
            } else {
                profiles.put(name, feature);
            }
        }
        o.done();
        if (contract != null && features.present()) {
            for (RuntimeContract.Input input : contract.inputs()) {
                ReferenceProfile.Feature feature = profiles.get(input.name());
                if (feature == null && features.any(input.name()) == null) {
                    fields.error(features.path(input.name()), "required: the profile of every contract input");
                    ok = false;
                } else if (feature != null && feature.type() != input.type()) {
                    fields.error(features.path(input.name()) + ".type", "is " + feature.type()
                            + " but the contract says " + input.type());
                }
            }
            for (String name : profiles.keySet()) {
                if (!contract.inputNames().contains(name)) {
                    fields.error(features.path(name), "is not an input of the contract");
                }
            }
        }
        if (!features.present()) {
            features.reportSelfMissing("per-input profiles");
        }
        return n == null || !ok || !features.present() ? null : new ReferenceProfile(n, Map.copyOf(profiles));
    }

    private static ReferenceProfile.Feature feature(Fields fields, Fields.Obj f) {
        InputType type = ContractSection.inputType(fields, f, "type");
        Double missingRate = f.number("missingRate", true, "share of rows where it was missing", 0, false, 1);
        List<Double> frequencies = f.numbers("frequencies", true, 1, "share of non-missing values per bin or category");
        List<Double> edges = null;
        List<String> categories = null;
        Double mean = null;
        Double std = null;
        boolean numeric = type == InputType.DOUBLE || type == InputType.LONG;
        if (numeric) {
            edges = f.numbers("edges", true, 2, "histogram bin edges, ascending, one more than frequencies");
            mean = f.number("mean", true, "mean of the non-missing values", -Double.MAX_VALUE, false, Double.MAX_VALUE);
            std = f.number("std", true, "standard deviation of the non-missing values", 0, false, Double.MAX_VALUE);
            if (edges != null) {
                for (int i = 1; i < edges.size(); i++) {
                    if (edges.get(i) <= edges.get(i - 1)) {
                        fields.error(f.path("edges"), "must be strictly ascending");
                        edges = null;
                        break;
                    }
                }
            }
            if (edges != null && frequencies != null && edges.size() != frequencies.size() + 1) {
                fields.error(f.path("edges"), "holds " + edges.size() + " edges for " + frequencies.size()
                        + " frequencies; expected one more edge than frequencies");
                edges = null;
            }
        } else if (type != null) {
            categories = f.texts("categories", true, 1, "the values seen, one per frequency");
            if (categories != null && frequencies != null && categories.size() != frequencies.size()) {
                fields.error(f.path("categories"), "holds " + categories.size() + " categories for "
                        + frequencies.size() + " frequencies");
                categories = null;
            }
        }
        if (frequencies != null && missingRate != null) {
            double sum = 0;
            for (double v : frequencies) {
                if (v < 0) {
                    fields.error(f.path("frequencies"), "must not hold negative shares");
                    return null;
                }
                sum += v;
            }
            if (missingRate < 1 && Math.abs(sum - 1) > 1e-6) {
                fields.error(f.path("frequencies"), "must sum to 1 (shares of the non-missing values), sum to " + sum);
                return null;
            }
        }
        f.done();
        if (type == null || missingRate == null || frequencies == null
                || (numeric && (edges == null || mean == null || std == null)) || (!numeric && categories == null)) {
            return null;
        }
        return new ReferenceProfile.Feature(type, edges, categories, frequencies, mean, std, missingRate);
    }
}

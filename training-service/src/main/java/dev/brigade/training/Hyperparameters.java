package dev.brigade.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run trains with. Part of the run record and the model's lineage, so every value is written out by
 * {@link #asStrings()} and read back by {@link #withOverrides(Map)}: the same strings give the same network.
 *
 * @param hiddenLayers widths of the hidden dense layers, in order (may be empty: a linear model)
 * @param maxEpochs upper bound on passes over the training rows
 * @param batchSize rows per gradient step
 * @param learningRate Adam's step size
 * @param l2 L2 weight penalty (0 for none)
 * @param patience epochs without a better validation loss before training stops
 * @param validationFraction newest share of the training rows held out for early stopping
 * @param seed initialises the weights and orders the mini-batches
 */
public record Hyperparameters(List<Integer> hiddenLayers, int maxEpochs, int batchSize, double learningRate,
        double l2, int patience, double validationFraction, long seed) {

    public static final String HIDDEN_LAYERS = "hiddenLayers";
    public static final String MAX_EPOCHS = "maxEpochs";
    public static final String BATCH_SIZE = "batchSize";
    public static final String LEARNING_RATE = "learningRate";
    public static final String L2 = "l2";
    public static final String PATIENCE = "patience";
    public static final String VALIDATION_FRACTION = "validationFraction";
    public static final String SEED = "seed";

    private static final List<String> NAMES = List.of(HIDDEN_LAYERS, MAX_EPOCHS, BATCH_SIZE, LEARNING_RATE, L2,
            PATIENCE, VALIDATION_FRACTION, SEED);

    public Hyperparameters {
        hiddenLayers = List.copyOf(hiddenLayers);
        for (int width : hiddenLayers) {
            require(width >= 1 && width <= 1024, HIDDEN_LAYERS, "widths must be 1 to 1024, has " + width);
        }
        require(hiddenLayers.size() <= 8, HIDDEN_LAYERS, "at most 8 hidden layers, has " + hiddenLayers.size());
        require(maxEpochs >= 1 && maxEpochs <= 10_000, MAX_EPOCHS, "must be 1 to 10000, is " + maxEpochs);
        require(batchSize >= 1, BATCH_SIZE, "must be at least 1, is " + batchSize);
        require(learningRate > 0 && learningRate < 1, LEARNING_RATE, "must be in (0, 1), is " + learningRate);
        require(l2 >= 0 && Double.isFinite(l2), L2, "must be finite and >= 0, is " + l2);
        require(patience >= 1, PATIENCE, "must be at least 1, is " + patience);
        require(validationFraction > 0 && validationFraction < 0.5, VALIDATION_FRACTION,
                "must be in (0, 0.5), is " + validationFraction);
    }

    /** A small network that trains the shipped use cases in seconds on two cores. */
    public static Hyperparameters defaults() {
        return new Hyperparameters(List.of(32, 16), 30, 64, 0.005, 1e-4, 4, 0.15, 42L);
    }

    /**
     * These parameters with some replaced by name, as a request or a spec states them.
     *
     * @throws IllegalArgumentException naming the unknown parameter or the value that does not parse
     */
    public Hyperparameters withOverrides(Map<String, String> overrides) {
        List<Integer> hidden = hiddenLayers;
        int epochs = maxEpochs;
        int batch = batchSize;
        double rate = learningRate;
        double penalty = l2;
        int wait = patience;
        double validation = validationFraction;
        long s = seed;
        for (Map.Entry<String, String> e : new TreeMap<>(overrides).entrySet()) {
            String value = e.getValue() == null ? "" : e.getValue().trim();
            try {
                switch (e.getKey()) {
                    case HIDDEN_LAYERS -> hidden = parseWidths(value);
                    case MAX_EPOCHS -> epochs = Integer.parseInt(value);
                    case BATCH_SIZE -> batch = Integer.parseInt(value);
                    case LEARNING_RATE -> rate = Double.parseDouble(value);
                    case L2 -> penalty = Double.parseDouble(value);
                    case PATIENCE -> wait = Integer.parseInt(value);
                    case VALIDATION_FRACTION -> validation = Double.parseDouble(value);
                    case SEED -> s = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown hyperparameter " + e.getKey()
                            + " (known: " + String.join(", ", NAMES) + ")");
                }
            } catch (NumberFormatException bad) {
                throw new IllegalArgumentException(e.getKey() + ": not a number: \"" + value + "\"");
            }
        }
        return new Hyperparameters(hidden, epochs, batch, rate, penalty, wait, validation, s);
    }

    /** Every parameter as the lineage stores it (values are strings there), sorted by name. */
    public Map<String, String> asStrings() {
        Map<String, String> out = new TreeMap<>();
        out.put(HIDDEN_LAYERS, String.join(",", hiddenLayers.stream().map(String::valueOf).toList()));
        out.put(MAX_EPOCHS, Integer.toString(maxEpochs));
        out.put(BATCH_SIZE, Integer.toString(batchSize));
        out.put(LEARNING_RATE, Double.toString(learningRate));
        out.put(L2, Double.toString(l2));
        out.put(PATIENCE, Integer.toString(patience));
        out.put(VALIDATION_FRACTION, Double.toString(validationFraction));
        out.put(SEED, Long.toString(seed));
        return Collections.unmodifiableMap(out);
    }

    private static List<Integer> parseWidths(String value) {
        List<Integer> widths = new ArrayList<>();
        if (!value.isEmpty()) {
            for (String part : value.split(",")) {
                widths.add(Integer.parseInt(part.trim()));
            }
        }
        return widths;
    }

    private static void require(boolean ok, String name, String message) {
        if (!ok) {
            throw new IllegalArgumentException(name + ": " + message);
        }
    }
}

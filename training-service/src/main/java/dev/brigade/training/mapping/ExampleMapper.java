package dev.brigade.training.mapping;

import java.util.List;
import java.util.Map;

import dev.brigade.events.TrainingExample;
import dev.brigade.training.Example;
import dev.brigade.training.InputFeature;

/** TrainingExample (Avro, the Kafka edge) to the row training works with. */
public final class ExampleMapper {

    private ExampleMapper() {
    }

    /**
     * Inputs in contract order: numbers as doubles, booleans as 1/0, absent or null as NaN (missing, imputed by the
     * model). A string where the model expects a number also counts as missing: the feature set types its
     * features, so this only happens to a damaged example, which must not stop a run.
     */
    public static Example toExample(TrainingExample example, List<InputFeature> inputs) {
        Map<String, Object> features = example.getFeatures();
        double[] row = new double[inputs.size()];
        for (int i = 0; i < row.length; i++) {
            Object value = features.get(inputs.get(i).name());
            if (value instanceof Number number) {
                row[i] = number.doubleValue();
            } else if (value instanceof Boolean bool) {
                row[i] = bool ? 1.0 : 0.0;
            } else {
                row[i] = Double.NaN;
            }
        }
        return new Example(example.getEventId(), example.getEventTime(), row, Map.copyOf(example.getSlices()),
                example.getLabel());
    }
}

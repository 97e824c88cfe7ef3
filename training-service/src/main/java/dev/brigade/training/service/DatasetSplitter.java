package dev.brigade.training.service;

import java.util.List;

import dev.brigade.model.ModelTask;
import dev.brigade.training.ClassBalance;
import dev.brigade.training.Dataset;
import dev.brigade.training.DatasetSplit;
import dev.brigade.training.Example;

/**
 * Splits a dataset by event time and refuses data a model cannot be trained or judged on, with the reason a
 * RunFailed event carries: too few rows, labels that are not numbers, classification labels other than 0/1, and a
 * split without both classes.
 */
public final class DatasetSplitter {

    private DatasetSplitter() {
    }

    /**
     * @param holdoutFraction the newest share of rows held out for evaluation
     * @param validationFraction the newest share of the remaining rows used for early stopping
     * @param minExamples fewer rows than this fail the run
     */
    public static DatasetSplit split(Dataset dataset, ModelTask task, double holdoutFraction,
            double validationFraction, int minExamples) {
        List<Example> rows = dataset.rows();
        if (rows.isEmpty()) {
            throw new TrainingFailedException("the dataset is empty: no training examples of "
                    + dataset.featureSet() + " v" + dataset.featureSetVersion() + " in " + dataset.ranges());
        }
        if (rows.size() < minExamples) {
            throw new TrainingFailedException("the dataset has " + rows.size() + " examples, the minimum is "
                    + minExamples);
        }
        long notANumber = rows.stream().filter(e -> !Double.isFinite(e.label())).count();
        if (notANumber > 0) {
            throw new TrainingFailedException(notANumber + " examples have a label that is not a number (first: "
                    + rows.stream().filter(e -> !Double.isFinite(e.label())).findFirst().orElseThrow().eventId()
                    + ")");
        }
        if (task == ModelTask.BINARY_CLASSIFICATION) {
            List<Example> odd = rows.stream().filter(e -> e.label() != 0.0 && e.label() != 1.0).toList();
            if (!odd.isEmpty()) {
                throw new TrainingFailedException(odd.size() + " examples have a label other than 0 or 1 (first: "
                        + odd.get(0).eventId() + " with " + odd.get(0).label() + ")");
            }
        }
        int n = rows.size();
        int holdoutSize = share(n, holdoutFraction);
        int remaining = n - holdoutSize;
        int validationSize = share(remaining, validationFraction);
        int trainingSize = remaining - validationSize;
        if (holdoutSize < 1 || validationSize < 1 || trainingSize < 1) {
            throw new TrainingFailedException("the dataset's " + n + " examples do not split into training, "
                    + "validation and holdout rows");
        }
        DatasetSplit split = new DatasetSplit(rows.subList(0, trainingSize),
                rows.subList(trainingSize, remaining), rows.subList(remaining, n), rows.get(remaining).eventTime());
        if (task == ModelTask.BINARY_CLASSIFICATION) {
            requireBothClasses("dataset", ClassBalance.of(rows));
            requireBothClasses("training split", ClassBalance.of(split.training()));
            requireBothClasses("holdout", ClassBalance.of(split.holdout()));
        }
        return split;
    }

    /** The share of n rows, rounded up; the tolerance keeps 300 x 0.2 at 60 whatever the binary rounding. */
    private static int share(int n, double fraction) {
        return (int) Math.ceil(n * fraction - 1e-9);
    }

    private static void requireBothClasses(String what, ClassBalance balance) {
        if (balance.positives() == 0 || balance.negatives() == 0) {
            throw new TrainingFailedException("the " + what + " has one class only (" + balance.positives()
                    + " positive, " + balance.negatives() + " negative examples): a classifier needs both");
        }
    }
}

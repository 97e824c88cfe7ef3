package dev.brigade.training;

/** One finished epoch: the mean training loss over its mini-batches and the loss on the validation rows. */
public record EpochProgress(int epoch, int maxEpochs, double trainLoss, double validationLoss) {
}

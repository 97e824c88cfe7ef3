package dev.brigade.training;

import dev.brigade.model.Scorer;

/** The use case's current champion, loaded from its registered artifact, to be evaluated beside the candidate. */
public record Champion(int version, Scorer scorer) {
}

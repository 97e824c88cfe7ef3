package dev.brigade.serving;

import java.util.List;

import dev.brigade.model.Scorer;

/** A version whose artifact was downloaded, verified, decoded and warmed up: ready to take traffic. */
public record LoadedModel(String useCase, ModelVersionInfo info, Scorer scorer) {

    public int version() {
        return info.version();
    }

    public List<ContractInput> inputs() {
        return info.inputs();
    }
}

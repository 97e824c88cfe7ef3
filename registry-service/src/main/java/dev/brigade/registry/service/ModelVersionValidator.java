package dev.brigade.registry.service;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import dev.brigade.model.ModelTask;
import dev.brigade.model.Scorer;
import dev.brigade.platform.document.Fields;
import dev.brigade.platform.http.FieldError;
import dev.brigade.registry.EvaluationReport;
import dev.brigade.registry.Lineage;
import dev.brigade.registry.ModelVersion;
import dev.brigade.registry.ReferenceProfile;
import dev.brigade.registry.RuntimeContract;
import dev.brigade.registry.UseCaseSpec;

/**
 * Checks a model version's metadata (runtime contract, lineage, evaluation report, reference profile) field by
 * field, and against the use case's spec and the uploaded artifact, so that what serving and the monitor later
 * read is consistent: the contract's inputs are the artifact's inputs in the same order with the same imputation,
 * the lineage names the spec's feature set, the profile covers every input. Each section has its reader
 * ({@link ContractSection}, {@link LineageSection}, {@link ReportSection}, {@link ProfileSection}); this composes
 * them and checks the artifact's task.
 */
public final class ModelVersionValidator {

    private ModelVersionValidator() {
    }

    public record Metadata(RuntimeContract contract, Lineage lineage, EvaluationReport evaluationReport,
            ReferenceProfile referenceProfile, ModelVersion.Role role, String reason) {
    }

    public record Result(Metadata metadata, List<FieldError> errors) {

        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /**
     * @param scorer the uploaded artifact loaded with the platform's scorer, or null if it did not load
     * @param artifactProblem why it did not load, or null
     */
    public static Result validate(JsonNode document, UseCaseSpec spec, Scorer scorer, String artifactProblem) {
        Fields fields = new Fields();
        if (artifactProblem != null) {
            fields.error("artifact", artifactProblem);
        }
        Fields.Obj root = fields.root(document);
        RuntimeContract contract = ContractSection.read(fields, root.object("contract", true), spec, scorer);
        Lineage lineage = LineageSection.read(fields, root.object("lineage", true), spec);
        EvaluationReport report = ReportSection.read(fields, root.object("evaluationReport", true), spec);
        ReferenceProfile profile = ProfileSection.read(fields, root.object("referenceProfile", true), contract);
        String roleText = root.text("role", false, "candidate (default) or baseline");
        ModelVersion.Role role = ModelVersion.Role.CANDIDATE;
        if (roleText != null) {
            try {
                role = ModelVersion.Role.valueOf(roleText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                fields.error("role", "must be candidate or baseline, is \"" + roleText + "\"");
            }
        }
        String reason = root.text("reason", false, "why this version is registered");
        root.done();
        if (scorer != null && spec != null) {
            ModelTask expected = spec.isClassification() ? ModelTask.BINARY_CLASSIFICATION : ModelTask.REGRESSION;
            if (scorer.task() != expected) {
                fields.error("artifact", "is a " + scorer.task() + " model, the use case is "
                        + spec.task().type().wire());
            }
        }
        if (!fields.ok()) {
            return new Result(null, fields.errors());
        }
        return new Result(new Metadata(contract, lineage, report, profile, role, reason), List.of());
    }
}

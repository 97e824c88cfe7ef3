package dev.brigade.serving;

import java.util.List;

import dev.brigade.platform.http.FieldError;

/**
 * Why serving will not score or start what was asked, in its own terms: rest/ answers each reason with its HTTP
 * status (RefusalProblems), the scoring-requests listener dead-letters the request with the message.
 */
public class Refusal extends RuntimeException {

    public enum Reason {
        INVALID_REQUEST("invalid-request"), UNKNOWN_USE_CASE("unknown-use-case"), BATCH_MODE("batch-mode"),
        NO_MODEL("no-model"), MODEL_FAILURE("model-failure"), NO_CHAMPION("no-champion"),
        VERSION_NOT_LOADED("version-not-loaded"), BUSY("busy");

        private final String kind;

        Reason(String kind) {
            this.kind = kind;
        }

        /** The problem type's kind and the error metric's tag. */
        public String kind() {
            return kind;
        }
    }

    private final Reason reason;
    private final List<FieldError> errors;

    public Refusal(Reason reason, String detail, List<FieldError> errors) {
        super(detail, null, false, false); // an answer, not a failure: no stack trace to fill
        this.reason = reason;
        this.errors = List.copyOf(errors);
    }

    public Reason reason() {
        return reason;
    }

    public List<FieldError> errors() {
        return errors;
    }
}

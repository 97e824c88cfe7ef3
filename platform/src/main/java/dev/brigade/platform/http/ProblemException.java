package dev.brigade.platform.http;

import java.util.List;

/**
 * A request that cannot be answered as asked: thrown below rest/ (which keeps the HTTP codes' meaning out of the
 * services), answered by {@link ProblemMappers} as its problem body.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(int status, String kind, String detail, List<FieldError> errors) {
        this(Problem.of(status, kind, detail, errors));
    }

    public ProblemException(int status, String kind, String detail) {
        this(status, kind, detail, List.of());
    }

    public ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public int status() {
        return problem.status();
    }

    public String kind() {
        return problem.kind();
    }

    public List<FieldError> errors() {
        return problem.errors();
    }
}

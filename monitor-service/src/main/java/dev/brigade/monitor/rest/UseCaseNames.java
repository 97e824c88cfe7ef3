package dev.brigade.monitor.rest;

import java.util.List;
import java.util.regex.Pattern;

import dev.brigade.monitor.service.RegistryView;
import dev.brigade.platform.http.FieldError;
import dev.brigade.platform.http.ProblemException;

/** The {name} of every use-case endpoint: a well-formed name the registry knows, or a problem naming the field. */
final class UseCaseNames {

    private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");

    private UseCaseNames() {
    }

    static RegistryView.UseCase find(RegistryView registry, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw problem(400, "invalid-name", "name must match " + NAME.pattern(), "name");
        }
        return registry.useCase(name).orElseThrow(() -> problem(404, "not-found",
                "the registry has no use case " + name, "name"));
    }

    /** A refusal that names the field to fix, its message the detail. */
    static ProblemException problem(int status, String kind, String detail, String field) {
        return new ProblemException(status, kind, detail, List.of(new FieldError(field, detail)));
    }
}

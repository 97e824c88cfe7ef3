package dev.brigade.platform.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Finishes every problem body on its way out, whoever built it (a mapper, a resource, a service's own mapper): the
 * request path as {@code instance}, and on a 5xx an {@code errorId} that is also logged here with the problem, so an
 * operator can find the failure behind any 5xx a caller quotes.
 */
public class ProblemFilter {

    private static final Logger LOG = Logger.getLogger(ProblemFilter.class);

    @ServerResponseFilter
    public void finish(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(response.getEntity() instanceof Problem problem)) {
            return;
        }
        Problem finished = problem.instance() == null
                ? problem.at(request.getUriInfo().getRequestUri().getRawPath()) : problem;
        if (finished.status() >= 500 && finished.errorId() == null) {
            finished = finished.withErrorId(ErrorIds.next());
            // 503: the service knows why and will recover (a dependency is away); any other 5xx is a failure
            LOG.logf(finished.status() == 503 ? Logger.Level.WARN : Logger.Level.ERROR,
                    "%s %s answered %d %s, errorId=%s: %s", request.getMethod(), finished.instance(),
                    finished.status(), finished.type(), finished.errorId(), finished.detail());
        }
        if (finished != problem) {
            response.setEntity(finished);
        }
    }
}

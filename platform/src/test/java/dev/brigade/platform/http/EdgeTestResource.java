package dev.brigade.platform.http;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A service's resource as the edges see it: JSON in, a refusal thrown below rest/, a bug, a role. */
@Path("/edge")
@Produces(MediaType.APPLICATION_JSON)
public class EdgeTestResource {

    public record Order(String id, int quantity) {
    }

    @POST
    @Path("/orders")
    @Consumes(MediaType.APPLICATION_JSON)
    public Order echo(Order order) {
        if (order.quantity() <= 0) {
            throw new ProblemException(Problem.UNPROCESSABLE, "invalid-order", "the order cannot be placed",
                    List.of(new FieldError("quantity", "must be positive, was " + order.quantity())));
        }
        return order;
    }

    @GET
    @Path("/orders/{n}")
    public Order get(@PathParam("n") int n) {
        return new Order("o" + n, n);
    }

    @GET
    @Path("/bug")
    public Order bug() {
        throw new IllegalStateException("a bug the caller must not read about");
    }

    @POST
    @Path("/guarded")
    @RolesAllowed("tester")
    public Order guarded() {
        return new Order("g", 1);
    }
}

package dev.brigade.registry.rest;

import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/** The API description's header: what the registry is and how writers authenticate. */
@OpenAPIDefinition(
        info = @Info(title = "Brigade registry-service (recipe book)", version = "0.1.0",
                description = "Use-case specs, model versions with artifacts and lineage, promotion gates, aliases "
                        + "with history, approvals and rollback. Reads are open; every write needs a role: "
                        + "registrar, approver or deployer."),
        components = @Components(securitySchemes = {
                @SecurityScheme(securitySchemeName = "basic", type = SecuritySchemeType.HTTP, scheme = "basic",
                        description = "Local set-up: embedded users. Production: OIDC bearer tokens with the same "
                                + "roles.")}))
public class RegistryApi extends Application {
}

package dev.brigade.platform.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What a service's 401 and 403 answers say: its realm, what authenticating is for, and the roles that may. */
@ConfigMapping(prefix = "brigade.security")
public interface SecurityConfig {

    /** The HTTP Basic realm of the challenge, e.g. brigade-registry. */
    @WithDefault("brigade")
    String realm();

    /** What the caller authenticates for, as in "authenticate to change the registry". */
    @WithDefault("call this endpoint")
    String purpose();

    /** The roles that may, as in "your account lacks the role this needs (registrar, approver or deployer)". */
    @WithDefault("the role this endpoint names")
    String roles();
}

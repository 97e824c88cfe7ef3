package dev.brigade.monitor.service;

import dev.brigade.platform.http.ProblemException;

/**
 * A read that cannot be answered right now: the use case's owner is not known (a rebalance, the app starting), its
 * store is moving, or the owner did not answer. A 503 problem with Retry-After (rest/'s mapper), never a partial
 * answer.
 */
public class OwnerUnavailable extends ProblemException {

    public OwnerUnavailable(String detail) {
        super(503, "unavailable", detail + "; retry");
    }
}

package dev.brigade.training.service;

/**
 * Stops a job whose run another instance has already ended (declared failed while this owner looked silent): the
 * run's first final state stands, so this instance publishes nothing more for it.
 */
public class RunAbandonedException extends RuntimeException {

    public RunAbandonedException(String runId) {
        super("run " + runId + " was ended by another instance", null, false, false);
    }
}

package dev.brigade.training.service;

/** A run cannot go on; the message is the reason its RunFailed event and run record carry. */
public class TrainingFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TrainingFailedException(String reason) {
        super(reason);
    }

    public TrainingFailedException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

package io.ledgerline.client;

/**
 * Thrown by (or completing the future of) a user's function when retrying cannot help (bad input, a refusal
 * by the model): the default {@link FailureClassifier} sends the record to the dead-letter topic or the
 * fallback at once.
 */
public class TerminalFailure extends RuntimeException {
    public TerminalFailure(String message) {
        super(message);
    }

    public TerminalFailure(String message, Throwable cause) {
        super(message, cause);
    }
}

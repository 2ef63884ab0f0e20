package io.ledgerline.client;

/** Decides whether a failed call may be retried (a retriable failure) or goes to the DLQ / fallback (terminal). */
@FunctionalInterface
public interface FailureClassifier {
    /**
     * The default: a {@link TerminalFailure} anywhere in the cause chain is terminal, so is an
     * {@link IllegalArgumentException} thrown by the function (bad input does not get better); anything else
     * (timeouts, I/O, overload) is retriable.
     */
    FailureClassifier DEFAULT = failure -> {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TerminalFailure || t instanceof IllegalArgumentException) return false;
            if (t.getCause() == t) break;
        }
        return true;
    };

    boolean isRetriable(Throwable failure);
}

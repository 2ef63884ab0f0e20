package io.ledgerline.broker.config;

import java.io.IOException;

/**
 * A start-up refusal the operator fixes, not a bug: the message names the cause and the fix (which option
 * or setting to change), and is shown as it is, one line without a stack trace. Thrown before anything is
 * created on disk (see {@link StartupChecks}).
 */
public final class StartupException extends IOException {
    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.ledgerline.server.cli.tools;

import java.io.IOException;

/**
 * A failure of a client command the user can act on (broker unreachable, unknown topic, a refused record):
 * its message is the whole report. It is an {@link IOException} because {@code LedgerlineCli} prints those
 * as one line on stderr with exit code 1 and no stack trace, as it does for a port already taken at start.
 */
public final class ToolException extends IOException {
    public ToolException(String message) {
        super(message);
    }

    public ToolException(String message, Throwable cause) {
        super(message, cause);
    }
}

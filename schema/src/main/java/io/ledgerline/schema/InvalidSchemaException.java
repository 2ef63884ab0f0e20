package io.ledgerline.schema;

/** A schema text the parser refuses; the message is the parser's, so a user sees what to fix. */
public final class InvalidSchemaException extends Exception {
    public InvalidSchemaException(String message, Throwable cause) {
        super(message, cause);
    }

    public InvalidSchemaException(String message) {
        super(message);
    }
}

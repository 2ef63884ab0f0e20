package io.ledgerline.registry.store;

/**
 * The {@code _schemas} topic could not be written or read back in time. Nothing was applied that was not read
 * back; a write that timed out may still be replayed later (as on Confluent).
 */
public final class StoreException extends Exception {
    /** Confluent's error codes: 50001 store error, 50002 operation timed out. */
    public static final int STORE_ERROR = 50001;
    public static final int TIMEOUT = 50002;

    private final int errorCode;

    public StoreException(int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public int errorCode() {
        return errorCode;
    }
}

package io.ledgerline.client;

/** Why a processor stopped: an output, dead letter or fallback could not be written. */
public class ProcessorException extends RuntimeException {
    public ProcessorException(String message, Throwable cause) {
        super(message, cause);
    }
}

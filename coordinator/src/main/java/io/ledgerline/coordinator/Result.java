package io.ledgerline.coordinator;

import java.util.List;

/**
 * What an operation of a coordinator yields: the records to append (possibly none) and the response to give once
 * they are durable and applied.
 *
 * @param records  appended as one unit, in this order
 * @param response the operation's answer (may be null)
 */
public record Result<R, T>(List<R> records, T response) {

    public Result {
        records = List.copyOf(records);
    }

    /** A response that changes nothing. */
    public static <R, T> Result<R, T> of(T response) {
        return new Result<>(List.of(), response);
    }

    public static <R, T> Result<R, T> of(List<R> records, T response) {
        return new Result<>(records, response);
    }
}

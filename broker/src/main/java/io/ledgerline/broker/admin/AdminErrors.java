package io.ledgerline.broker.admin;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.requests.ApiError;

/**
 * Turns what went wrong with one resource (a topic, a partition, a config resource) into its Kafka error
 * code and message. Bad input, and operating failures such as a storage error, arrive as an
 * {@link ApiException} and are answered for that resource only, so they never fail the other resources of
 * the request. Anything else is a Ledgerline bug and is rethrown: the connection handler logs it, counts it
 * as an unexpected error (which tests and the fuzzer require to stay zero) and answers the whole request
 * with UNKNOWN_SERVER_ERROR.
 */
final class AdminErrors {
    private AdminErrors() {}

    static ApiError of(RuntimeException e) {
        if (!(e instanceof ApiException)) throw e;
        return ApiError.fromThrowable(e);
    }
}

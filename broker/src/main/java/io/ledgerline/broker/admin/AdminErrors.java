package io.ledgerline.broker.admin;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.requests.ApiError;
import org.slf4j.Logger;

/**
 * Turns what went wrong with one resource (a topic, a partition, a config resource) into its Kafka error
 * code and message. Bad input arrives as an {@link ApiException} thrown by a check and is answered quietly;
 * anything else is a Ledgerline bug: logged with its stack, answered UNKNOWN_SERVER_ERROR for that resource
 * only, so one bad resource never fails the other resources of a request.
 */
final class AdminErrors {
    private AdminErrors() {}

    static ApiError of(RuntimeException e, Logger log, Object resource) {
        if (!(e instanceof ApiException)) log.error("{} failed unexpectedly", resource, e);
        return ApiError.fromThrowable(e);
    }
}

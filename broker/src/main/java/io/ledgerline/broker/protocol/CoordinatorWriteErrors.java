package io.ledgerline.broker.protocol;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletionException;

/**
 * What a coordinator (groups, transactions) answers when a write to its internal log fails, as Apache Kafka's do
 * (4.3.1: CoordinatorOperationExceptionHelper, TransactionStateManager.appendTransactionToLog): a storage error is
 * NOT_COORDINATOR (the client looks the coordinator up again and retries), an unavailable or timed-out log
 * COORDINATOR_NOT_AVAILABLE, a batch too large UNKNOWN_SERVER_ERROR. Any other failure that is not a Kafka error
 * (a closed or shutting-down coordinator) is COORDINATOR_NOT_AVAILABLE, which clients retry.
 */
public final class CoordinatorWriteErrors {
    private CoordinatorWriteErrors() {}

    public static Errors of(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (!(cause instanceof ApiException)) return Errors.COORDINATOR_NOT_AVAILABLE;
        Errors error = Errors.forException(cause);
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND, REQUEST_TIMED_OUT ->
                    Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE -> Errors.UNKNOWN_SERVER_ERROR;
            default -> error;
        };
    }
}

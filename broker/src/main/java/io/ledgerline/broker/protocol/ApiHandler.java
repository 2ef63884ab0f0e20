package io.ledgerline.broker.protocol;

import org.apache.kafka.common.requests.AbstractResponse;

import java.util.concurrent.CompletableFuture;

/**
 * Handles one API key. Returns the response when it is ready (a produce waits for fsync, a fetch may
 * long-poll); a null response means "send nothing" (acks=0). Thrown exceptions become the request's error
 * response with the mapped Kafka error code. A handler holds only its API's logic: what every request needs
 * (authentication, the version check, shaping for the version, throttling, running off the network thread when
 * it blocks) is the pipeline's ({@code io.ledgerline.broker.pipeline}). A handler runs on the network thread that
 * read the request unless its dispatch-table entry is blocking ({@link ApiTable#registerBlocking}).
 */
@FunctionalInterface
public interface ApiHandler {
    CompletableFuture<AbstractResponse> handle(KafkaRequest request);

    static CompletableFuture<AbstractResponse> done(AbstractResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}

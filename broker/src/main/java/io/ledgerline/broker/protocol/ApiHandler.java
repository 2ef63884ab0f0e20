package io.ledgerline.broker.protocol;

import org.apache.kafka.common.requests.AbstractResponse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Handles one API key. Returns the response when it is ready (a produce waits for fsync, a fetch may
 * long-poll); a null response means "send nothing" (acks=0). Thrown exceptions become the request's error
 * response with the mapped Kafka error code.
 */
@FunctionalInterface
public interface ApiHandler {
    CompletableFuture<AbstractResponse> handle(KafkaRequest request);

    static CompletableFuture<AbstractResponse> done(AbstractResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    /**
     * {@code handler} run on {@code executor} instead of the network thread that read the request: for handlers
     * that block, on a durable metadata write (an fsync) or on creating and deleting files. A network thread
     * serves many connections and must never wait on the disk. Responses still leave each connection in request
     * order (the connection handler keeps them in order, whatever thread completes them).
     */
    static ApiHandler offloaded(ApiHandler handler, Executor executor) {
        return request -> CompletableFuture.supplyAsync(() -> handler.handle(request), executor).thenCompose(f -> f);
    }
}

package io.ledgerline.broker.pipeline;

import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.requests.AbstractResponse;

import java.util.concurrent.CompletableFuture;

/**
 * One cross-cutting step of the request {@link Pipeline}, done for every API: it gets the request, the request's
 * dispatch-table entry and the {@link Next} step to call. It may pass the request on, answer it itself (return a
 * response, or throw: the exception becomes the request's error response), or decorate the future {@code next}
 * returns. {@link #onResponse} is its step on the way back: it runs once for every response written, whichever
 * stage or handler produced it, error responses included, just before the response is serialised.
 *
 * <p>Threads: {@link #handle} runs on the connection's event loop (a stage after OffloadStage on the admin thread);
 * {@link #onResponse} always on the event loop. A stage is shared by every connection: it keeps per-request state in
 * the request's {@link io.ledgerline.broker.protocol.RequestContext}, and anything shared must be thread-safe.
 * On the hot path a stage should not allocate: {@link #onResponse} is there so that a stage acting on responses
 * need not add a stage to every future.
 */
public interface Stage {

    /**
     * Handles {@code request}. {@code entry} is its API's dispatch-table entry, null for an API Ledgerline does not
     * answer (VersionStage refuses those; a stage before it must expect null). Default: passes it on.
     */
    default CompletableFuture<AbstractResponse> handle(KafkaRequest request, ApiTable.Entry entry, Next next) {
        return next.handle(request);
    }

    /**
     * The response about to be written for {@code request} (null: none is sent, acks=0), for the stage to change in
     * place. Stages see it in the reverse of their order, as in Netty's outbound direction. Default: nothing.
     */
    default void onResponse(KafkaRequest request, AbstractResponse response) {}

    /** The rest of the pipeline after a stage, ending at the entry's handler. Pre-built: calling it allocates nothing. */
    @FunctionalInterface
    interface Next {
        CompletableFuture<AbstractResponse> handle(KafkaRequest request);
    }
}

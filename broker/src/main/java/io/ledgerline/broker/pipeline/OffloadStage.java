package io.ledgerline.broker.pipeline;

import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.requests.AbstractResponse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Last stage: the handler of a blocking entry ({@link ApiTable#registerBlocking}: a durable metadata write, an
 * fsync, creating or deleting files) runs on the admin executor instead of the network thread that read the request,
 * which serves many connections and must never wait on the disk. Other entries go straight on, at no cost. Responses
 * still leave each connection in request order (the network layer keeps them in order, whatever thread completes
 * them). Threads: the event loop hands over; the stages after this one and the handler run on the executor.
 */
public final class OffloadStage implements Stage {
    private final Executor executor;

    public OffloadStage(Executor executor) {
        this.executor = executor;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request, ApiTable.Entry entry, Next next) {
        if (entry == null || !entry.blocking()) return next.handle(request);
        return CompletableFuture.supplyAsync(() -> next.handle(request), executor).thenCompose(f -> f);
    }
}

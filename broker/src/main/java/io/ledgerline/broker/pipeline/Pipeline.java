package io.ledgerline.broker.pipeline;

import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The request pipeline: an ordered, immutable chain of {@link Stage}s applied to every entry of the dispatch table,
 * as Netty's ChannelPipeline is to every message. Built once at start over the complete table: for each API key
 * the chain of stages ending at that key's handler is linked in advance, so {@link #dispatch} is an array index and
 * a call per stage, with no allocation of its own. The network layer calls {@link #dispatch} with each parsed
 * request and {@link #respond} with each response (or error response) before serialising it.
 *
 * <p>Threads: immutable; used by every event loop at once.
 */
public final class Pipeline {
    private final Stage[] stages;
    /** By API key id: the first step of that key's chain. Keys not in the table get a chain with a null entry. */
    private final Stage.Next[] chains;

    public Pipeline(ApiTable table, List<Stage> stages) {
        this.stages = stages.toArray(Stage[]::new);
        int maxId = 0;
        for (ApiKeys k : ApiKeys.values()) maxId = Math.max(maxId, k.id);
        this.chains = new Stage.Next[maxId + 1];
        for (ApiKeys k : ApiKeys.values()) {
            ApiTable.Entry entry = table.get(k);
            Stage.Next next = new Handler(k, entry);
            for (int i = this.stages.length - 1; i >= 0; i--) next = new Step(this.stages[i], entry, next);
            chains[k.id] = next;
        }
    }

    /** Runs {@code request} through the stages to its handler. May throw: the exception is the request's error. */
    public CompletableFuture<AbstractResponse> dispatch(KafkaRequest request) {
        return chains[request.apiKey().id].handle(request);
    }

    /**
     * Gives every stage, last first, the response about to be written for {@code request} (null when none is
     * sent). Called once per response, on the connection's event loop, before serialisation.
     */
    public void respond(KafkaRequest request, AbstractResponse response) {
        for (int i = stages.length - 1; i >= 0; i--) stages[i].onResponse(request, response);
    }

    /** The stages, in order. */
    public List<Stage> stages() {
        return List.of(stages);
    }

    /** One stage bound to one entry and to the steps after it. */
    private record Step(Stage stage, ApiTable.Entry entry, Stage.Next next) implements Stage.Next {
        @Override
        public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
            return stage.handle(request, entry, next);
        }
    }

    /** The end of a chain: the entry's handler. */
    private record Handler(ApiKeys key, ApiTable.Entry entry) implements Stage.Next {
        @Override
        public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
            if (entry == null) throw VersionStage.notSupported(key);
            return entry.handler().handle(request);
        }
    }
}

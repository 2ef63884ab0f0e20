package io.ledgerline.broker.group;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

import java.util.concurrent.CompletableFuture;

/** SyncGroup: a follower waits for the leader's assignment (a delayed response); the leader's is stored first. */
public final class SyncGroupHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        short version = request.version();
        return coordinator.sync(request.body(SyncGroupRequest.class).data()).thenApply(d -> {
            if (version < 5) d = d.duplicate().setProtocolType(null).setProtocolName(null);
            return new SyncGroupResponse(d);
        });
    }
}

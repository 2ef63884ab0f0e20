package io.ledgerline.broker.group;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;

import java.util.concurrent.CompletableFuture;

/** JoinGroup: answered when the rebalance completes (a delayed response), or at once with an error. */
public final class JoinGroupHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        short version = request.version();
        String host = request.context().clientAddress().toString();
        return coordinator.join(request.body(JoinGroupRequest.class).data(), version, request.header().clientId(), host)
                .thenApply(d -> new JoinGroupResponse(shape(d, version), version));
    }

    /** Fields a version lacks go back to their defaults (a non-default value there cannot be written). */
    private static JoinGroupResponseData shape(JoinGroupResponseData d, short version) {
        JoinGroupResponseData r = d.duplicate();
        if (version < 7) {
            r.setProtocolType(null);
            if (r.protocolName() == null) r.setProtocolName("");
        }
        if (version < 9) r.setSkipAssignment(false);
        if (version < 5) r.members().forEach(m -> m.setGroupInstanceId(null));
        return r;
    }
}

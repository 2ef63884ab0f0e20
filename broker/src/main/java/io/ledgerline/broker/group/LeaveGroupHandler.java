package io.ledgerline.broker.group;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * LeaveGroup: v0-2 one member id (its error is the top-level error), v3+ a batch of members by member id or
 * group.instance.id, each with its own error.
 */
public final class LeaveGroupHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        LeaveGroupRequest req = request.body(LeaveGroupRequest.class);
        short version = request.version();
        List<MemberResponse> members = coordinator.leave(req.data().groupId(), req.members());
        // kafka-clients' own constructor folds the one member's error into the top-level error below v3 (the
        // data constructor insists on exactly one member there and threw UNSUPPORTED_VERSION at v0-2).
        return ApiHandler.done(members == null
                ? new LeaveGroupResponse(List.of(), Errors.UNKNOWN_MEMBER_ID, 0, version)
                : new LeaveGroupResponse(members, Errors.NONE, 0, version));
    }
}

package io.ledgerline.broker.group;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;

import java.util.concurrent.CompletableFuture;

/**
 * DescribeGroups. An unknown group is, as in Kafka 4: GROUP_ID_NOT_FOUND from v6, state Dead without error
 * before. Authorized operations are not computed (no ACLs yet): the field keeps its "omitted" default.
 */
public final class DescribeGroupsHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        DescribeGroupsRequestData req = request.body(DescribeGroupsRequest.class).data();
        short version = request.version();
        DescribeGroupsResponseData data = new DescribeGroupsResponseData();
        for (String id : req.groups()) {
            DescribedGroup d = coordinator.describe(id);
            if (d == null) {
                d = new DescribedGroup().setGroupId(id).setGroupState(GroupState.DEAD.kafkaName).setProtocolType("").setProtocolData("");
                if (version >= 6) d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("Group " + id + " not found.");
            }
            if (version < 4) d.members().forEach(m -> m.setGroupInstanceId(null));
            data.groups().add(d);
        }
        return ApiHandler.done(new DescribeGroupsResponse(data));
    }
}

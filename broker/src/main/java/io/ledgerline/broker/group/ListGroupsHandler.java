package io.ledgerline.broker.group;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * ListGroups: every group, filtered by state (v4+) and type (v5+; every group here is "classic", so a types
 * filter without "classic" lists none).
 */
public final class ListGroupsHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        ListGroupsRequestData req = request.body(ListGroupsRequest.class).data();
        short version = request.version();
        ListGroupsResponseData data = new ListGroupsResponseData();
        boolean classic = req.typesFilter().isEmpty() || req.typesFilter().stream().anyMatch(t -> t.equalsIgnoreCase("classic"));
        if (classic) {
            List<ListedGroup> groups = coordinator.list(req.statesFilter());
            for (ListedGroup g : groups) {
                if (version < 4) g.setGroupState("");
                if (version < 5) g.setGroupType("");
                data.groups().add(g);
            }
        }
        return ApiHandler.done(new ListGroupsResponse(data));
    }
}

package io.ledgerline.broker.group;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** DeleteGroups: each Empty group with its committed offsets, answered once the tombstones are durable. */
public final class DeleteGroupsHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(request.body(DeleteGroupsRequest.class).data().groupsNames()));
        List<CompletableFuture<Errors>> results = new ArrayList<>();
        for (String id : ids) results.add(coordinator.delete(id));
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(x -> {
            DeleteGroupsResponseData data = new DeleteGroupsResponseData();
            for (int i = 0; i < ids.size(); i++) {
                data.results().add(new DeletableGroupResult().setGroupId(ids.get(i)).setErrorCode(results.get(i).join().code()));
            }
            return new DeleteGroupsResponse(data);
        });
    }
}

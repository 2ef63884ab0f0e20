package io.ledgerline.broker.group;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** OffsetDelete: removes a group's committed offsets of topics its members do not subscribe to. */
public final class OffsetDeleteHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public OffsetDeleteHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        OffsetDeleteRequestData req = request.body(OffsetDeleteRequest.class).data();
        List<TopicPartition> partitions = new ArrayList<>();
        for (OffsetDeleteRequestTopic t : req.topics()) {
            for (OffsetDeleteRequestPartition p : t.partitions()) partitions.add(new TopicPartition(t.name(), p.partitionIndex()));
        }
        return coordinator.deleteOffsets(req.groupId(), partitions).thenApply(result -> {
            OffsetDeleteResponseData data = new OffsetDeleteResponseData().setErrorCode(result.error().code());
            result.partitions().forEach((tp, e) -> {
                OffsetDeleteResponseTopic t = data.topics().find(tp.topic());
                if (t == null) {
                    t = new OffsetDeleteResponseTopic().setName(tp.topic());
                    data.topics().add(t);
                }
                t.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(tp.partition()).setErrorCode(e.code()));
            });
            return new OffsetDeleteResponse(data);
        });
    }
}

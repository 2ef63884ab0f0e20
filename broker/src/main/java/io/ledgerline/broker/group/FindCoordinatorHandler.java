package io.ledgerline.broker.group;

import io.ledgerline.broker.metadata.ClusterInfo;
import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

import java.util.concurrent.CompletableFuture;

/**
 * FindCoordinator (v0-3 one key, v4+ batched keys): this node coordinates every group and transactional id.
 * Other key types (share groups) are INVALID_REQUEST, as in a Kafka broker without them.
 */
public final class FindCoordinatorHandler implements ApiHandler {
    private final ClusterInfo cluster;

    public FindCoordinatorHandler(ClusterInfo cluster) {
        this.cluster = cluster;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        FindCoordinatorRequestData req = request.body(FindCoordinatorRequest.class).data();
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        boolean known = req.keyType() == FindCoordinatorRequest.CoordinatorType.GROUP.id()
                || req.keyType() == FindCoordinatorRequest.CoordinatorType.TRANSACTION.id();
        Errors error = known ? Errors.NONE : Errors.INVALID_REQUEST;
        if (request.version() < FindCoordinatorRequest.MIN_BATCHED_VERSION) {
            data.setErrorCode(error.code()).setErrorMessage(known ? null : "unsupported key type " + req.keyType());
            if (known) data.setNodeId(cluster.nodeId()).setHost(cluster.host()).setPort(cluster.port());
            else data.setNodeId(-1).setHost("").setPort(-1);
        } else {
            for (String key : req.coordinatorKeys()) {
                Coordinator c = new Coordinator().setKey(key).setErrorCode(error.code());
                if (known) c.setNodeId(cluster.nodeId()).setHost(cluster.host()).setPort(cluster.port());
                else c.setNodeId(-1).setHost("").setPort(-1).setErrorMessage("unsupported key type " + req.keyType());
                data.coordinators().add(c);
            }
        }
        return ApiHandler.done(new FindCoordinatorResponse(data));
    }
}

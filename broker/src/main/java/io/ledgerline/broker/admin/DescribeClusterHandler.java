package io.ledgerline.broker.admin;

import io.ledgerline.broker.metadata.ClusterInfo;
import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.clients.admin.EndpointType;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;

import java.util.concurrent.CompletableFuture;

/**
 * DescribeCluster (v0-2): the cluster id, this one broker (never fenced, no rack), and as controller id this
 * broker too (Kafka's brokers answer a random live broker: clients cannot reach controllers). Ledgerline
 * listens only as a broker: a request for CONTROLLER endpoints is MISMATCHED_ENDPOINT_TYPE, an unknown type
 * UNSUPPORTED_ENDPOINT_TYPE (INVALID_REQUEST at v0), as in Kafka.
 *
 * <p>Cluster authorized operations are always "not provided" (Integer.MIN_VALUE; the AdminClient shows
 * null). Kafka without an authorizer would list every cluster operation when asked; Ledgerline has no ACLs
 * yet and does not claim permissions it does not check.
 */
public final class DescribeClusterHandler implements ApiHandler {
    private final ClusterInfo cluster;

    public DescribeClusterHandler(ClusterInfo cluster) {
        this.cluster = cluster;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        DescribeClusterRequestData req = request.body(DescribeClusterRequest.class).data();
        DescribeClusterResponseData data = new DescribeClusterResponseData();
        EndpointType wanted = EndpointType.fromId(req.endpointType());
        if (wanted == EndpointType.UNKNOWN) {
            data.setErrorCode((request.version() == 0 ? Errors.INVALID_REQUEST : Errors.UNSUPPORTED_ENDPOINT_TYPE).code())
                    .setErrorMessage("Unsupported endpoint type " + req.endpointType());
        } else if (wanted != EndpointType.BROKER) {
            data.setErrorCode((request.version() == 0 ? Errors.INVALID_REQUEST : Errors.MISMATCHED_ENDPOINT_TYPE).code())
                    .setErrorMessage("The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type "
                            + wanted + ". Ledgerline has no separate controller endpoint: describe it through its broker listener.");
        } else {
            data.setClusterId(cluster.clusterId())
                    .setControllerId(cluster.nodeId())
                    .setEndpointType(EndpointType.BROKER.id())
                    .setClusterAuthorizedOperations(Integer.MIN_VALUE);
            data.brokers().add(new DescribeClusterBroker().setBrokerId(cluster.nodeId()).setHost(cluster.host())
                    .setPort(cluster.port()).setRack(null).setIsFenced(false));
        }
        return ApiHandler.done(new DescribeClusterResponse(data));
    }
}

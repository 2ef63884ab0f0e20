package io.ledgerline.broker.metadata;

import org.apache.kafka.common.Node;

/**
 * Who this broker is, as clients see it: cluster id (stable, kept in the metadata log), node id, and the
 * advertised listener (known once the socket is bound, so set after start-up).
 */
public final class ClusterInfo {
    private final String clusterId;
    private final int nodeId;
    private volatile String host;
    private volatile int port = -1;

    public ClusterInfo(String clusterId, int nodeId) {
        this.clusterId = clusterId;
        this.nodeId = nodeId;
    }

    public void advertise(String host, int port) {
        this.host = host;
        this.port = port;
    }

    public String clusterId() {
        return clusterId;
    }

    public int nodeId() {
        return nodeId;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Node node() {
        return new Node(nodeId, host, port);
    }
}

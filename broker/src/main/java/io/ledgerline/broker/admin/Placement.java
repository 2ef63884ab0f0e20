package io.ledgerline.broker.admin;

import io.ledgerline.log.Limits;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

import java.util.List;

/**
 * Where partitions may go on a single-node broker: every partition has exactly one replica, on this node.
 * CreateTopics and CreatePartitions check manual assignments and replication factors here, with Kafka's
 * error codes and messages that say why.
 */
final class Placement {

    private final int nodeId;

    Placement(int nodeId) {
        this.nodeId = nodeId;
    }

    /** A manual assignment of one partition: Kafka's checks, which here mean "exactly [this node]". */
    void checkAssignment(List<Integer> brokerIds) {
        if (brokerIds.isEmpty()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment includes an empty replica list.");
        }
        for (int i = 0; i < brokerIds.size(); i++) {
            int b = brokerIds.get(i);
            if (b != nodeId) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker " + b
                        + ", but no such broker is registered: Ledgerline is a single-node broker and node " + nodeId
                        + " is the only broker.");
            }
            if (brokerIds.subList(0, i).contains(b)) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes the broker " + b
                        + " more than once.");
            }
        }
    }

    /** A requested replication factor (-1 = the default, 1). Returns the effective one. */
    short replicationFactor(short requested) {
        if (requested == 0 || requested < -1) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0, or -1 to use the default value.");
        }
        if (requested > 1) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + requested
                    + " time(s): The target replication factor of " + requested + " cannot be reached because only 1 broker(s)"
                    + " are registered. Ledgerline is a single-node broker: use replication factor 1, or -1 for the default.");
        }
        return 1;
    }

    static void checkCreatedCount(String topic, int created) {
        if (created > Limits.PARTITIONS_CREATED_PER_TOPIC_MAX) {
            throw new InvalidPartitionsException("Cannot create " + created + " partitions of topic " + topic
                    + " in one request: at most " + Limits.PARTITIONS_CREATED_PER_TOPIC_MAX + ".");
        }
    }
}

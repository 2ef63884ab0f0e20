package io.ledgerline.broker.topic;

import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * The one place where a request's reference to a topic (by name, or by id from the versions that carry ids)
 * and to a partition index becomes a {@link TopicRegistry.Entry} and a {@link PartitionLog}, or the error the
 * client gets: UNKNOWN_TOPIC_OR_PARTITION for an unknown name or a partition index out of range (negative, or
 * not below the partition count), UNKNOWN_TOPIC_ID for an unknown id. Every handler resolves through it, so
 * this is also the one place where TOPIC_AUTHORIZATION_FAILED will be decided once ACLs exist (the principal
 * then comes with the reference); nothing here checks authorization yet.
 *
 * <p>Allocation-light for the produce and fetch paths: a topic resolves to a {@link Resolved} (the registry's
 * entry, wrapped once per topic of a request; the two failures are shared constants), and a partition of it to
 * its log or {@code null} with {@link Resolved#partitionError} saying why, so nothing is allocated per
 * partition.
 *
 * <p>Threads: stateless over the registry, whose lookups are safe from any thread; a result is immutable. A
 * result is a snapshot: a topic deleted or grown after its resolution is seen by the next resolution.
 */
public final class PartitionResolver {
    /** An unknown topic name: UNKNOWN_TOPIC_OR_PARTITION. */
    public static final Resolved UNKNOWN_NAME = new Resolved(null, Errors.UNKNOWN_TOPIC_OR_PARTITION);
    /** An unknown topic id: UNKNOWN_TOPIC_ID (for a reference whose id was resolved, and failed, earlier). */
    public static final Resolved UNKNOWN_ID = new Resolved(null, Errors.UNKNOWN_TOPIC_ID);

    private final TopicRegistry topics;

    public PartitionResolver(TopicRegistry topics) {
        this.topics = topics;
    }

    /**
     * A resolved topic reference: the entry, or the error ({@link Errors#NONE} when found).
     *
     * @param entry the topic, or null when not found
     * @param error NONE, UNKNOWN_TOPIC_OR_PARTITION (by name) or UNKNOWN_TOPIC_ID (by id)
     */
    public record Resolved(TopicRegistry.Entry entry, Errors error) {
        public Resolved {
            assert (entry == null) == (error != Errors.NONE) : "either the topic or why not";
        }

        public boolean found() {
            return entry != null;
        }

        /** Partition {@code index} of the topic, or null when the topic is unknown or the index out of range. */
        public PartitionLog partition(int index) {
            if (entry == null || index < 0 || index >= entry.partitions().size()) return null;
            return entry.partitions().get(index);
        }

        /**
         * Why {@link #partition}({@code index}) is null: the topic's error when the topic is unknown, else
         * UNKNOWN_TOPIC_OR_PARTITION for an index out of range; NONE when the partition exists.
         */
        public Errors partitionError(int index) {
            if (entry == null) return error;
            return index < 0 || index >= entry.partitions().size() ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.NONE;
        }
    }

    /** The topic named {@code name} (null is unknown), or UNKNOWN_TOPIC_OR_PARTITION. */
    public Resolved topic(String name) {
        TopicRegistry.Entry e = name == null ? null : topics.get(name);
        return e == null ? UNKNOWN_NAME : new Resolved(e, Errors.NONE);
    }

    /** The topic with id {@code id} (null and the zero id are unknown), or UNKNOWN_TOPIC_ID. */
    public Resolved topic(Uuid id) {
        TopicRegistry.Entry e = id == null || Uuid.ZERO_UUID.equals(id) ? null : topics.get(id);
        return e == null ? UNKNOWN_ID : new Resolved(e, Errors.NONE);
    }

    /** The topic by id when {@code byId}, else by name: for the APIs whose versions switch from names to ids. */
    public Resolved topic(boolean byId, String name, Uuid id) {
        return byId ? topic(id) : topic(name);
    }

    /** Partition {@code index} of the topic named {@code name}, or null (then the error is UNKNOWN_TOPIC_OR_PARTITION). */
    public PartitionLog partition(String name, int index) {
        TopicRegistry.Entry e = name == null ? null : topics.get(name);
        if (e == null || index < 0 || index >= e.partitions().size()) return null;
        return e.partitions().get(index);
    }

    /** The error for partition {@code index} of topic {@code name}: NONE when it exists, else UNKNOWN_TOPIC_OR_PARTITION. */
    public Errors partitionError(String name, int index) {
        return partition(name, index) == null ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.NONE;
    }

    /** {@link #partition(String, int)} of {@code tp}. */
    public PartitionLog partition(TopicPartition tp) {
        return partition(tp.topic(), tp.partition());
    }

    /** {@link #partitionError(String, int)} of {@code tp}. */
    public Errors partitionError(TopicPartition tp) {
        return partitionError(tp.topic(), tp.partition());
    }
}

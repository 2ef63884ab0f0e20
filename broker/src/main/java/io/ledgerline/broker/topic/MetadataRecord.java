package io.ledgerline.broker.topic;

/**
 * One record of the metadata log ({@link MetadataLog} gives its key and value bytes), as {@link MetadataState}
 * replays it. Each carries every value it sets: ids and times are decided by the operation that writes it, never
 * by replay. Immutable.
 */
public sealed interface MetadataRecord {

    /** {@code cluster-id}: the cluster's id, decided once, by the first start (null: a tombstone, never written). */
    record ClusterId(String id) implements MetadataRecord {}

    /**
     * {@code producer-ids}: the producer ids below {@code end} are reserved (handed out, or lost at a restart);
     * the next block starts at {@code end}.
     */
    record ProducerIdBlock(long end) implements MetadataRecord {
        public ProducerIdBlock {
            assert end > 0 : "a block reserves at least one id";
        }
    }

    /** {@code topic/<name>}: the topic as it now is (created, grown, or its overrides replaced). */
    record TopicDefined(Topic topic) implements MetadataRecord {}

    /** {@code topic/<name>} with a null value: the topic is deleted. */
    record TopicDeleted(String name) implements MetadataRecord {}

    /**
     * A record no reader uses (a key this version does not know, or a {@code producer-ids} tombstone, which is
     * never written): read, kept as it is, and changes nothing.
     */
    record Ignored(String key, String value) implements MetadataRecord {}
}

package io.ledgerline.broker.topic;

import io.ledgerline.coordinator.StateDigest;
import io.ledgerline.coordinator.StateMachine;
import org.apache.kafka.common.Uuid;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ledgerline's own metadata, the one replay of the metadata log ({@link MetadataLog}): the cluster id, the end of
 * the reserved producer-id blocks, and every topic's definition. Changed only by {@link #replay}: at start for
 * every record of the log, then for each record once it is durable ({@link MetadataCoordinator}). Replay reads
 * nothing but the state and the record: ids are decided by the operations that write them.
 *
 * <p>Threads: one replay at a time (under the runtime's apply lock); the readers ({@link TopicRegistry},
 * {@code ProducerIdManager}, the cluster id) read from any thread without a lock, each field or map entry
 * being the value after some applied record. {@link #digest} wants no replay running at the same time.
 */
public final class MetadataState implements StateMachine<MetadataRecord> {
    private volatile String clusterId;
    private volatile long producerIdBlockEnd;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    /** Topic id to name, of the topics in {@link #topics}. */
    private final Map<Uuid, String> topicIds = new ConcurrentHashMap<>();

    @Override
    public void replay(MetadataRecord record) {
        if (record instanceof MetadataRecord.ClusterId c) {
            clusterId = c.id();
        } else if (record instanceof MetadataRecord.ProducerIdBlock b) {
            producerIdBlockEnd = b.end();
        } else if (record instanceof MetadataRecord.TopicDefined d) {
            Topic t = d.topic();
            Topic old = topics.put(t.name(), t);
            if (old != null && !old.id().equals(t.id())) topicIds.remove(old.id());
            topicIds.put(t.id(), t.name());
        } else if (record instanceof MetadataRecord.TopicDeleted d) {
            Topic old = topics.remove(d.name());
            if (old != null) topicIds.remove(old.id());
        } else {
            assert record instanceof MetadataRecord.Ignored : "every kind of metadata record is replayed: " + record;
        }
    }

    /** The cluster's id, or null before the first start has decided one. */
    public String clusterId() {
        return clusterId;
    }

    /** Producer ids below this are reserved; 0 before the first block. */
    public long producerIdBlockEnd() {
        return producerIdBlockEnd;
    }

    /** The topic named {@code name}, or null. */
    public Topic topic(String name) {
        return topics.get(name);
    }

    /** Whether some topic has this id. */
    public boolean hasTopicId(Uuid id) {
        return topicIds.containsKey(id);
    }

    /** Every topic by name (a read-only live view). */
    public Map<String, Topic> topics() {
        return Collections.unmodifiableMap(topics);
    }

    /**
     * SHA-256, in hex, of a canonical encoding of the whole state (topics sorted by name, overrides by key): two
     * states are equal exactly when their digests are (a restart, a fresh replay, a model are compared by it).
     */
    public String digest() {
        return digest(clusterId, producerIdBlockEnd, topics);
    }

    /** The digest a state with these contents has (so a test's model is compared with the same encoding). */
    public static String digest(String clusterId, long producerIdBlockEnd, Map<String, Topic> topics) {
        StateDigest d = new StateDigest().text(clusterId).int64(producerIdBlockEnd);
        Map<String, Topic> sorted = new TreeMap<>(topics);
        d.int32(sorted.size());
        for (Topic t : sorted.values()) {
            d.text(t.name()).int64(t.id().getMostSignificantBits()).int64(t.id().getLeastSignificantBits())
                    .int32(t.partitions());
            Map<String, String> overrides = new TreeMap<>(t.overrides());
            d.int32(overrides.size());
            overrides.forEach((k, v) -> d.text(k).text(v));
        }
        return d.hex();
    }
}

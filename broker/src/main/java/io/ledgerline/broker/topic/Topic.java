package io.ledgerline.broker.topic;

import org.apache.kafka.common.Uuid;

import java.util.Map;

/**
 * A topic as Ledgerline remembers it: stable id, partition count, and the topic-level config overrides set
 * by CreateTopics/AlterConfigs (defaults come from the broker config and are not stored per topic).
 */
public record Topic(String name, Uuid id, int partitions, Map<String, String> overrides) {
    public Topic {
        overrides = Map.copyOf(overrides);
        assert partitions >= 1 : "a topic has at least one partition";
        assert !id.equals(Uuid.ZERO_UUID) : "topic ids are never zero (Produce v13 and Fetch v13+ rely on them)";
    }
}

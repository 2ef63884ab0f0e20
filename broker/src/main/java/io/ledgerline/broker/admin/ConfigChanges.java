package io.ledgerline.broker.admin;

import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks AlterConfigs and IncrementalAlterConfigs share, with the error codes and messages of Kafka's
 * ConfigAdminManager: a resource named twice, a key given twice, a null value where one is needed (all
 * INVALID_REQUEST), a resource type Ledgerline does not have (INVALID_REQUEST), an unknown topic config
 * (INVALID_CONFIG).
 */
final class ConfigChanges {
    private ConfigChanges() {}

    /** The key of a resource for duplicate detection. */
    record ResourceKey(byte type, String name) {}

    static final String DUPLICATE_RESOURCE = "Each resource must appear at most once.";

    static <T> Set<T> duplicates(List<T> items) {
        Set<T> seen = new HashSet<>();
        Set<T> dup = new HashSet<>();
        for (T t : items) if (!seen.add(t)) dup.add(t);
        return dup;
    }

    static void checkNoDuplicateKeys(List<String> keys) {
        if (!duplicates(keys).isEmpty()) throw new InvalidRequestException("Error due to duplicate config keys");
    }

    static void checkNoNullValues(List<String> keysWithNullValue) {
        if (!keysWithNullValue.isEmpty()) {
            throw new InvalidRequestException("Null value not supported for : " + String.join(", ", keysWithNullValue));
        }
    }

    static void checkKnownTopicConfig(String key) {
        if (!TopicConfigs.isKnown(key)) {
            throw new InvalidConfigurationException("Unknown topic config name: " + key
                    + " (Ledgerline topics support " + TopicConfigs.knownKeys() + ")");
        }
    }

    /** The resource type, or INVALID_REQUEST for one Ledgerline cannot change. */
    static ConfigResource.Type alterableType(byte id) {
        ConfigResource.Type type = ConfigResource.Type.forId(id);
        return switch (type) {
            case TOPIC, BROKER -> type;
            case UNKNOWN -> throw new InvalidRequestException("Unknown resource type " + id);
            default -> throw new InvalidRequestException("Ledgerline has no " + type + " config resources.");
        };
    }

    static List<String> nullValued(List<String> keys, List<String> values) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) if (values.get(i) == null) out.add(keys.get(i));
        return out;
    }
}

package io.ledgerline.broker.admin;

import io.ledgerline.broker.config.BrokerConfig;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The broker's own settings as BROKER config resources: every {@link BrokerConfig} setting, read-only (they
 * are fixed at start; Ledgerline has no dynamic broker configs). A setting whose value differs from its
 * default is STATIC_BROKER_CONFIG, else DEFAULT_CONFIG.
 *
 * <p>Resource names, as Kafka checks them: "" (Kafka: the cluster-wide dynamic defaults; Ledgerline has one
 * broker, so the same settings) or this node's id; any other id, or a name that is not a number, is
 * INVALID_REQUEST.
 */
public final class BrokerConfigs {
    /** Kafka's types for the settings Kafka also has; the rest are typed from their default value. */
    private static final Map<String, ConfigType> KAFKA_TYPES = Map.ofEntries(
            Map.entry(BrokerConfig.NODE_ID.key(), ConfigType.INT),
            Map.entry(BrokerConfig.NUM_PARTITIONS.key(), ConfigType.INT),
            Map.entry(BrokerConfig.AUTO_CREATE_TOPICS.key(), ConfigType.BOOLEAN),
            Map.entry(BrokerConfig.SEGMENT_BYTES.key(), ConfigType.INT),
            Map.entry(BrokerConfig.SEGMENT_MS.key(), ConfigType.LONG),
            Map.entry(BrokerConfig.RETENTION_MS.key(), ConfigType.LONG),
            Map.entry(BrokerConfig.RETENTION_BYTES.key(), ConfigType.LONG),
            Map.entry(BrokerConfig.RETENTION_CHECK_INTERVAL_MS.key(), ConfigType.LONG),
            Map.entry(BrokerConfig.MESSAGE_MAX_BYTES.key(), ConfigType.INT),
            Map.entry(BrokerConfig.TIMESTAMP_TYPE.key(), ConfigType.STRING),
            Map.entry(BrokerConfig.CLEANUP_POLICY.key(), ConfigType.LIST),
            Map.entry(BrokerConfig.SOCKET_REQUEST_MAX_BYTES.key(), ConfigType.INT));

    private final BrokerConfig config;
    private final int nodeId;

    public BrokerConfigs(BrokerConfig config, int nodeId) {
        this.config = config;
        this.nodeId = nodeId;
    }

    /** Kafka's check of a BROKER resource name (InvalidRequestException). */
    void checkResourceName(String name) {
        if (name == null || name.isEmpty()) return;
        int id;
        try {
            id = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Broker id must be an integer, but it is: " + name);
        }
        if (id != nodeId) {
            throw new InvalidRequestException("Unexpected broker id, expected " + nodeId + " or empty string, but received " + name);
        }
    }

    /**
     * A change to BROKER resource: none is possible. Kafka answers INVALID_REQUEST when a config cannot be
     * updated dynamically ("Cannot update these configs dynamically", KAFKA-13609 keeps that code for
     * compatibility), and Ledgerline has no dynamic broker configs, so every change gets that answer.
     */
    void refuseChange(String resourceName, Collection<String> keys) {
        checkResourceName(resourceName);
        if (keys.isEmpty()) return;
        throw new InvalidRequestException("Cannot update these configs dynamically: " + new TreeSet<>(keys)
                + ". Ledgerline's broker settings are read-only: change them in the broker config and restart.");
    }

    List<DescribedConfig> describe() {
        List<DescribedConfig> out = new ArrayList<>();
        for (BrokerConfig.Setting s : BrokerConfig.settings().values()) {
            String value = config.string(s);
            List<DescribedConfig.Synonym> synonyms = new ArrayList<>(2);
            if (!value.equals(s.defaultValue())) {
                synonyms.add(new DescribedConfig.Synonym(s.key(), value, ConfigSource.STATIC_BROKER_CONFIG));
            }
            synonyms.add(new DescribedConfig.Synonym(s.key(), s.defaultValue(), ConfigSource.DEFAULT_CONFIG));
            out.add(new DescribedConfig(s.key(), value, synonyms.get(0).source(), true, List.copyOf(synonyms),
                    typeOf(s), s.doc()));
        }
        return out;
    }

    private static ConfigType typeOf(BrokerConfig.Setting s) {
        ConfigType t = KAFKA_TYPES.get(s.key());
        if (t != null) return t;
        String d = s.defaultValue();
        if (d.equalsIgnoreCase("true") || d.equalsIgnoreCase("false")) return ConfigType.BOOLEAN;
        try {
            Long.parseLong(d);
            return ConfigType.LONG;
        } catch (NumberFormatException e) {
            return ConfigType.STRING;
        }
    }
}

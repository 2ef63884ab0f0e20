package io.ledgerline.broker.admin;

import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.log.LogConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Topic configs as Kafka presents them in DescribeConfigs and CreateTopics (v5+): every key the log
 * understands ({@link LogConfig#KEYS}), sorted by name, with its effective value, where that value comes
 * from, and its synonyms.
 *
 * <p>Sources, most specific first (Kafka's order; the first synonym is the source):
 * <pre>
 *   DYNAMIC_TOPIC_CONFIG   retention.ms=1000        an override (CreateTopics/AlterConfigs, in the metadata log)
 *   STATIC_BROKER_CONFIG   log.retention.ms=5000    the broker config sets the log.* default to a non-default value
 *   DEFAULT_CONFIG         log.retention.ms=604800000
 * </pre>
 * Ledgerline has no dynamic broker configs, so Kafka's DYNAMIC_BROKER_CONFIG and DYNAMIC_DEFAULT_BROKER_CONFIG
 * never appear. Two differences from Kafka, both deliberate: a broker setting given explicitly with its default
 * value is reported as DEFAULT_CONFIG ({@link BrokerConfig} keeps values, not what the operator wrote); and Kafka
 * shows no DEFAULT_CONFIG synonym for retention.ms and segment.ms because their defaults live in
 * log.retention.hours / log.roll.hours, keys Ledgerline does not have.
 */
public final class TopicConfigs {

    /** A topic key's broker-wide default setting, Kafka's config type and Kafka's documentation. */
    private record Key(BrokerConfig.Setting brokerDefault, ConfigType type, String doc) {}

    private static final Map<String, Key> KEYS = Map.of(
            LogConfig.SEGMENT_BYTES, new Key(BrokerConfig.SEGMENT_BYTES, ConfigType.INT, TopicConfig.SEGMENT_BYTES_DOC),
            LogConfig.SEGMENT_MS, new Key(BrokerConfig.SEGMENT_MS, ConfigType.LONG, TopicConfig.SEGMENT_MS_DOC),
            LogConfig.RETENTION_MS, new Key(BrokerConfig.RETENTION_MS, ConfigType.LONG, TopicConfig.RETENTION_MS_DOC),
            LogConfig.RETENTION_BYTES, new Key(BrokerConfig.RETENTION_BYTES, ConfigType.LONG, TopicConfig.RETENTION_BYTES_DOC),
            LogConfig.MAX_MESSAGE_BYTES, new Key(BrokerConfig.MESSAGE_MAX_BYTES, ConfigType.INT, TopicConfig.MAX_MESSAGE_BYTES_DOC),
            LogConfig.MESSAGE_TIMESTAMP_TYPE, new Key(BrokerConfig.TIMESTAMP_TYPE, ConfigType.STRING, TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC),
            LogConfig.CLEANUP_POLICY, new Key(BrokerConfig.CLEANUP_POLICY, ConfigType.LIST, TopicConfig.CLEANUP_POLICY_DOC));

    static {
        if (!KEYS.keySet().equals(LogConfig.KEYS)) {
            throw new ExceptionInInitializerError("TopicConfigs describes " + KEYS.keySet() + " but the log understands " + LogConfig.KEYS);
        }
    }

    private final BrokerConfig broker;

    public TopicConfigs(BrokerConfig broker) {
        this.broker = broker;
    }

    public static boolean isKnown(String key) {
        return KEYS.containsKey(key);
    }

    /** True for list-valued keys (comma-separated; IncrementalAlterConfigs APPEND and SUBTRACT apply). */
    public static boolean isList(String key) {
        Key k = KEYS.get(key);
        return k != null && k.type == ConfigType.LIST;
    }

    /** The elements of a list value: split at commas, trimmed, empty ones dropped. */
    public static List<String> listElements(String value) {
        List<String> out = new ArrayList<>();
        if (value == null) return out;
        for (String s : value.split(",")) {
            String t = s.trim();
            if (!t.isEmpty()) out.add(t);
        }
        return out;
    }

    /** True when the topic's cleanup.policy includes delete (DeleteRecords needs it, as in Kafka). */
    public static boolean allowsDelete(LogConfig config) {
        return listElements(config.cleanupPolicy()).contains(TopicConfig.CLEANUP_POLICY_DELETE);
    }

    /**
     * Every topic config, sorted by name, for a topic with these overrides and this effective config
     * ({@code TopicRegistry.configFor(overrides)}).
     */
    public List<DescribedConfig> describe(Map<String, String> overrides, LogConfig effective) {
        Map<String, String> values = new TreeMap<>(effective.toMap());
        List<DescribedConfig> out = new ArrayList<>(values.size());
        values.forEach((name, raw) -> {
            Key key = KEYS.get(name);
            assert key != null : "LogConfig.toMap() and LogConfig.KEYS disagree on " + name;
            String value = key.type == ConfigType.LIST ? String.join(",", listElements(raw)) : raw;
            List<DescribedConfig.Synonym> synonyms = new ArrayList<>(3);
            if (overrides.containsKey(name)) synonyms.add(new DescribedConfig.Synonym(name, value, ConfigSource.TOPIC_CONFIG));
            String brokerKey = key.brokerDefault.key();
            String brokerValue = broker.string(key.brokerDefault);
            if (!brokerValue.equals(key.brokerDefault.defaultValue())) {
                synonyms.add(new DescribedConfig.Synonym(brokerKey, brokerValue, ConfigSource.STATIC_BROKER_CONFIG));
            }
            synonyms.add(new DescribedConfig.Synonym(brokerKey, key.brokerDefault.defaultValue(), ConfigSource.DEFAULT_CONFIG));
            out.add(new DescribedConfig(name, value, synonyms.get(0).source(), false, List.copyOf(synonyms), key.type, key.doc));
        });
        return out;
    }

    /** For messages: the known keys, sorted. */
    static String knownKeys() {
        String[] k = KEYS.keySet().toArray(new String[0]);
        Arrays.sort(k);
        return String.join(", ", k);
    }
}

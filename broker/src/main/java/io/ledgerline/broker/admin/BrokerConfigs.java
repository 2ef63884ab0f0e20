package io.ledgerline.broker.admin;

import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.log.RecoverySummary;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The broker's own settings as BROKER config resources: every {@link BrokerConfig} setting, read-only (they
 * are fixed at start; Ledgerline has no dynamic broker configs). A setting whose value differs from its
 * default is STATIC_BROKER_CONFIG, else DEFAULT_CONFIG.
 *
 * <p>Resource names, as Kafka checks them: "" (Kafka: the cluster-wide dynamic defaults; Ledgerline has one
 * broker, so the same settings) or this node's id; any other id, or a name that is not a number, is
 * INVALID_REQUEST.
 *
 * <p>Besides the settings, read-only facts of this run that {@code ledgerline status} reads through DescribeConfigs
 * (Kafka has no such entries: status says "not reported by this broker" there), about the start-up recovery
 * ({@link RecoverySummary}): {@value #LAST_START_PREVIOUS_STOP} ({@code new-directory}, {@code clean} or
 * {@code unclean}), {@value #LAST_START_PARTITIONS_CHECKED}, {@value #LAST_START_BATCHES_READ},
 * {@value #LAST_START_BYTES_TRUNCATED}, {@value #LAST_START_RECOVERY_MS}, and {@value #LAST_START_RECOVERY}, the line
 * the broker logged (with every truncation). Their source is STATIC_BROKER_CONFIG: fixed when the broker started.
 */
public final class BrokerConfigs {
    public static final String LAST_START_RECOVERY = "ledgerline.last.start.recovery";
    public static final String LAST_START_PREVIOUS_STOP = "ledgerline.last.start.previous.stop";
    public static final String LAST_START_PARTITIONS_CHECKED = "ledgerline.last.start.partitions.checked";
    public static final String LAST_START_BATCHES_READ = "ledgerline.last.start.batches.read";
    public static final String LAST_START_BYTES_TRUNCATED = "ledgerline.last.start.bytes.truncated";
    public static final String LAST_START_RECOVERY_MS = "ledgerline.last.start.recovery.ms";

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
    private final Supplier<RecoverySummary> startSummary;

    /** {@code startSummary}: the start's recovery summary, null while the broker is still starting. */
    public BrokerConfigs(BrokerConfig config, int nodeId, Supplier<RecoverySummary> startSummary) {
        this.config = config;
        this.nodeId = nodeId;
        this.startSummary = startSummary;
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
        RecoverySummary r = startSummary.get();
        if (r != null) {
            out.add(fact(LAST_START_PREVIOUS_STOP, r.previousStop().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    ConfigType.STRING, "How the run before this one ended, as this start found the data directory: "
                            + "new-directory, clean or unclean."));
            out.add(fact(LAST_START_PARTITIONS_CHECKED, Integer.toString(r.partitionsChecked()), ConfigType.INT,
                    "Partitions whose segments this start scanned and checked (after an unclean stop)."));
            out.add(fact(LAST_START_BATCHES_READ, Long.toString(r.batchesRead()), ConfigType.LONG,
                    "Record batches this start read and CRC-checked while recovering."));
            out.add(fact(LAST_START_BYTES_TRUNCATED, Long.toString(r.bytesTruncated()), ConfigType.LONG,
                    "Bytes this start cut from torn or corrupt log tails."));
            out.add(fact(LAST_START_RECOVERY_MS, Long.toString(r.durationMs()), ConfigType.LONG,
                    "Milliseconds from taking the data directory's lock to the last partition opened."));
            out.add(fact(LAST_START_RECOVERY, r.describe(), ConfigType.STRING,
                    "This start's recovery as the broker logged it, with every truncation."));
        }
        return out;
    }

    /** A read-only fact of this run (not a setting), fixed at start. */
    private static DescribedConfig fact(String name, String value, ConfigType type, String doc) {
        return new DescribedConfig(name, value, ConfigSource.STATIC_BROKER_CONFIG, true,
                List.of(new DescribedConfig.Synonym(name, value, ConfigSource.STATIC_BROKER_CONFIG)), type, doc);
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

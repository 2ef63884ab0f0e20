package io.ledgerline.broker.config;

import io.ledgerline.log.LogManager;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every broker setting in one place: its key, default, unit and why. A setting not listed here is
 * rejected at start-up (a typo must not silently fall back to a default).
 *
 * <p>Keys follow Apache Kafka's broker config names where Kafka has the same setting, so an operator
 * moving between the two reads the same words. Topic-level overrides (retention.ms, segment.bytes, ...)
 * live in {@code io.ledgerline.log.LogConfig}; the {@code log.*} keys here are their broker-wide defaults.
 */
public final class BrokerConfig {

    /** One setting: key, default (as text), and a one-line doc used by docs/configuration.md and --help. */
    public record Setting(String key, String defaultValue, String doc) {}

    private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

    private static Setting define(String key, String defaultValue, String doc) {
        Setting s = new Setting(key, defaultValue, doc);
        SETTINGS.put(key, s);
        return s;
    }

    public static final Setting DATA_DIR = define("data.dir", "./data",
            "Directory holding every partition log and Ledgerline's own state.");
    public static final Setting LISTEN = define("listen", "127.0.0.1:9092",
            "host:port of the Kafka listener. Port 0 picks a free port (tests).");
    public static final Setting ADVERTISED_LISTENER = define("advertised.listener", "",
            "host:port clients are told to connect to (Metadata, FindCoordinator, DescribeCluster). Empty: the listen "
            + "address, which must then not be a wildcard (0.0.0.0, ::).");
    public static final Setting NODE_ID = define("node.id", "0", "This broker's node id.");
    public static final Setting AUTO_CREATE_TOPICS = define("auto.create.topics.enable", "true",
            "Create a topic when a client asks for an unknown one in Metadata.");
    public static final Setting NUM_PARTITIONS = define("num.partitions", "1",
            "Partitions of an auto-created topic, and of CreateTopics without a count.");
    public static final Setting FLUSH_MODE = define("flush.mode", "fsync",
            "fsync: acknowledge a produce only after fdatasync (group commit). interval: acknowledge after the "
                    + "write to the page cache and fsync every flush.interval.ms (faster, loses acknowledged data on power loss).");
    public static final Setting FLUSH_INTERVAL_MS = define("flush.interval.ms", "1000",
            "With flush.mode=interval: milliseconds between background fsyncs.");
    public static final Setting FLUSH_THREADS = define("flush.threads", "4",
            "Threads issuing fdatasync concurrently in one group-commit round (many partitions).");
    public static final Setting SEGMENT_BYTES = define("log.segment.bytes", "1073741824",
            "Default segment.bytes: roll the active segment at this size (bytes).");
    public static final Setting SEGMENT_MS = define("log.roll.ms", "604800000",
            "Default segment.ms: roll the active segment after this age (milliseconds).");
    public static final Setting RETENTION_MS = define("log.retention.ms", "604800000",
            "Default retention.ms: delete sealed segments whose newest record is older (ms; -1 = forever).");
    public static final Setting RETENTION_BYTES = define("log.retention.bytes", "-1",
            "Default retention.bytes: delete oldest sealed segments while a partition is larger (bytes; -1 = no limit).");
    public static final Setting RETENTION_CHECK_INTERVAL_MS = define("log.retention.check.interval.ms", "300000",
            "How often retention and time-based segment roll are checked (milliseconds).");
    public static final Setting MESSAGE_MAX_BYTES = define("message.max.bytes", "1048588",
            "Default max.message.bytes: largest record batch accepted (bytes, Kafka's default).");
    public static final Setting TIMESTAMP_TYPE = define("log.message.timestamp.type", "CreateTime",
            "Default message.timestamp.type: CreateTime keeps the producer's timestamps, LogAppendTime stamps the broker's clock.");
    public static final Setting CLEANUP_POLICY = define("log.cleanup.policy", "delete",
            "Default cleanup.policy (delete or compact).");
    public static final Setting SOCKET_REQUEST_MAX_BYTES = define("socket.request.max.bytes", "104857600",
            "Largest request frame accepted; a larger size prefix closes the connection (bytes, Kafka's default).");
    public static final Setting FETCH_MAX_WAIT_MS_MAX = define("fetch.max.wait.ms.max", "30000",
            "Upper bound on a fetch long-poll, whatever the client asks (milliseconds).");
    public static final Setting MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS = define("max.incremental.fetch.session.cache.slots", "1000",
            "Incremental fetch sessions (KIP-227) the broker keeps, over 8 shards of slots/8 each as in Kafka (so below 8 "
            + "there are none); 0 turns sessions off: every fetch is then a full one (Kafka's default).");
    public static final Setting MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS = define("min.incremental.fetch.session.eviction.ms", "120000",
            "A fetch session is safe from eviction by a larger one for this long after its creation, and evictable by any "
            + "new one once unused this long (ms; Kafka's fixed 120000, a setting only in Ledgerline).");
    public static final Setting FILE_DELETE_DELAY_MS = define("file.delete.delay.ms", "60000",
            "A deleted segment's open file is closed after this delay, so fetches already sending it complete (ms).");

    public static final Setting GROUP_INITIAL_REBALANCE_DELAY_MS = define("group.initial.rebalance.delay.ms", "3000",
            "A group formed from empty waits this long for more members before its first generation, each new member "
            + "extending the wait up to the rebalance timeout (ms, Kafka's default). 0 completes at once.");
    public static final Setting GROUP_MIN_SESSION_TIMEOUT_MS = define("group.min.session.timeout.ms", "6000",
            "Smallest session.timeout.ms a consumer may ask for; a smaller one is INVALID_SESSION_TIMEOUT (ms, Kafka's default).");
    public static final Setting GROUP_MAX_SESSION_TIMEOUT_MS = define("group.max.session.timeout.ms", "1800000",
            "Largest session.timeout.ms a consumer may ask for (ms, Kafka's default).");
    public static final Setting OFFSETS_RETENTION_MINUTES = define("offsets.retention.minutes", "10080",
            "Committed offsets of a group without members are deleted this long after it became empty (minutes, Kafka's default: 7 days).");
    public static final Setting OFFSETS_RETENTION_CHECK_INTERVAL_MS = define("offsets.retention.check.interval.ms", "600000",
            "How often expired committed offsets are looked for (ms, Kafka's default).");
    public static final Setting TRANSACTION_MAX_TIMEOUT_MS = define("transaction.max.timeout.ms", "900000",
            "Largest transaction.timeout.ms a transactional producer may ask for (ms, Kafka's default: 15 minutes).");
    public static final Setting TRANSACTION_ABORT_CHECK_INTERVAL_MS = define("transaction.abort.timed.out.transaction.cleanup.interval.ms", "10000",
            "How often ongoing transactions are checked against their timeout; a timed-out one is aborted (ms, Kafka's default).");
    public static final Setting TRANSACTIONAL_ID_EXPIRATION_MS = define("transactional.id.expiration.ms", "604800000",
            "A transactional id with no transaction in progress that has not been updated for this long is removed; "
            + "its next producer gets a new producer id (ms, Kafka's default: 7 days).");
    public static final Setting TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS = define("transaction.remove.expired.transaction.cleanup.interval.ms",
            "3600000", "How often transactional ids are checked for expiration (ms, Kafka's default: 1 hour).");
    public static final Setting PRODUCER_ID_EXPIRATION_MS = define("producer.id.expiration.ms",
            Long.toString(LogManager.Settings.PRODUCER_ID_EXPIRATION_MS_DEFAULT),
            "A producer with no transaction open in a partition, whose last batch or marker there is this old, is "
            + "forgotten there: its retries older than that are no longer recognised as duplicates (ms, Kafka's default: 1 day).");
    public static final Setting PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = define("producer.id.expiration.check.interval.ms",
            Long.toString(LogManager.Settings.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS_DEFAULT),
            "How often partitions are checked for expired producers (ms, Kafka's default: 10 minutes).");

    public static final Setting REGISTRY_ENABLED = define("registry.enabled", "true",
            "Run the schema registry (Confluent REST API over the _schemas topic, docs/registry.md) in the broker's "
            + "process, started once the broker listens and stopped before it.");
    public static final Setting REGISTRY_LISTEN = define("registry.listen", "127.0.0.1:8081",
            "host:port of the schema registry's HTTP listener (with registry.enabled). Port 0 picks a free port (tests).");

    private final Map<String, String> values;

    private BrokerConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Defaults overlaid with {@code overrides}; unknown keys are an error naming the key. */
    public static BrokerConfig of(Map<String, String> overrides) {
        Map<String, String> v = new TreeMap<>();
        for (Setting s : SETTINGS.values()) v.put(s.key(), s.defaultValue());
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!SETTINGS.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown setting '" + e.getKey() + "' (see docs/configuration.md)");
            }
            v.put(e.getKey(), e.getValue().trim());
        }
        BrokerConfig c = new BrokerConfig(v);
        c.validate();
        return c;
    }

    public static BrokerConfig defaults() {
        return of(Map.of());
    }

    public static Map<String, Setting> settings() {
        return Collections.unmodifiableMap(SETTINGS);
    }

    private void validate() {
        String mode = string(FLUSH_MODE);
        if (!mode.equals("fsync") && !mode.equals("interval")) {
            throw new IllegalArgumentException("flush.mode must be 'fsync' or 'interval', got '" + mode + "'");
        }
        if (intValue(MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS) < 0) throw new IllegalArgumentException("max.incremental.fetch.session.cache.slots must be >= 0");
        if (longValue(MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS) < 0) throw new IllegalArgumentException("min.incremental.fetch.session.eviction.ms must be >= 0");
        if (intValue(NUM_PARTITIONS) < 1) throw new IllegalArgumentException("num.partitions must be >= 1");
        if (intValue(FLUSH_THREADS) < 1) throw new IllegalArgumentException("flush.threads must be >= 1");
        if (longValue(FLUSH_INTERVAL_MS) < 1) throw new IllegalArgumentException("flush.interval.ms must be >= 1");
        if (intValue(SOCKET_REQUEST_MAX_BYTES) < 1024) throw new IllegalArgumentException("socket.request.max.bytes must be >= 1024");
        if (longValue(GROUP_INITIAL_REBALANCE_DELAY_MS) < 0) throw new IllegalArgumentException("group.initial.rebalance.delay.ms must be >= 0");
        if (intValue(GROUP_MIN_SESSION_TIMEOUT_MS) < 1 || intValue(GROUP_MAX_SESSION_TIMEOUT_MS) < intValue(GROUP_MIN_SESSION_TIMEOUT_MS)) {
            throw new IllegalArgumentException("need 1 <= group.min.session.timeout.ms <= group.max.session.timeout.ms");
        }
        if (longValue(OFFSETS_RETENTION_MINUTES) < 1) throw new IllegalArgumentException("offsets.retention.minutes must be >= 1");
        if (longValue(OFFSETS_RETENTION_CHECK_INTERVAL_MS) < 1) throw new IllegalArgumentException("offsets.retention.check.interval.ms must be >= 1");
        if (intValue(TRANSACTION_MAX_TIMEOUT_MS) < 1) throw new IllegalArgumentException("transaction.max.timeout.ms must be >= 1");
        for (Setting s : new Setting[] {TRANSACTION_ABORT_CHECK_INTERVAL_MS, TRANSACTIONAL_ID_EXPIRATION_MS, TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS}) {
            if (longValue(s) < 1) throw new IllegalArgumentException(s.key() + " must be >= 1");
        }
        // Kafka types both as int (at least 1): a larger value is refused there too.
        for (Setting s : new Setting[] {PRODUCER_ID_EXPIRATION_MS, PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS}) {
            if (intValue(s) < 1) throw new IllegalArgumentException(s.key() + " must be >= 1");
        }
        hostPort(LISTEN);
        hostPort(REGISTRY_LISTEN);
        bool(REGISTRY_ENABLED);
        if (!string(ADVERTISED_LISTENER).isEmpty()) hostPort(ADVERTISED_LISTENER);
    }

    public String string(Setting s) {
        return values.get(s.key());
    }

    public int intValue(Setting s) {
        try {
            return Integer.parseInt(string(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.key() + " must be an integer, got '" + string(s) + "'");
        }
    }

    public long longValue(Setting s) {
        try {
            return Long.parseLong(string(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s.key() + " must be an integer, got '" + string(s) + "'");
        }
    }

    public boolean bool(Setting s) {
        String v = string(s);
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException(s.key() + " must be true or false, got '" + v + "'");
    }

    public Path dataDir() {
        return Path.of(string(DATA_DIR));
    }

    public boolean durableAck() {
        return string(FLUSH_MODE).equals("fsync");
    }

    /** Parses a host:port setting. */
    public HostPort hostPort(Setting s) {
        return HostPort.parse(s.key(), string(s));
    }

    public Map<String, String> asMap() {
        return values;
    }

    public record HostPort(String host, int port) {
        public static HostPort parse(String key, String text) {
            int i = text.lastIndexOf(':');
            if (i <= 0) throw new IllegalArgumentException(key + " must be host:port, got '" + text + "'");
            try {
                int port = Integer.parseInt(text.substring(i + 1));
                if (port < 0 || port > 65535) throw new NumberFormatException();
                return new HostPort(text.substring(0, i), port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " has a bad port in '" + text + "'");
            }
        }
    }
}

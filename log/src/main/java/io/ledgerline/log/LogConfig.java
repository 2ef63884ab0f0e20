package io.ledgerline.log;

import org.apache.kafka.common.record.TimestampType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A partition log's settings (Kafka's topic-level config names). Immutable: an AlterConfigs replaces the
 * whole value, and the log reads it once per operation, so an append never sees half a change.
 *
 * @param segmentBytes      roll the active segment before it would exceed this size (bytes)
 * @param segmentMs         roll the active segment once its first record is this old (ms)
 * @param retentionMs       delete a sealed segment once its newest timestamp is this old (ms, -1 = never)
 * @param retentionBytes    delete oldest sealed segments while the partition is larger (bytes, -1 = never)
 * @param maxMessageBytes   largest record batch accepted (bytes, after compression, with batch header)
 * @param timestampType     CREATE_TIME keeps the producer's timestamps, LOG_APPEND_TIME stamps the broker's
 * @param compact           cleanup.policy contains compact: records must have keys
 * @param cleanupPolicy     the policy as given ({@code delete}, {@code compact} or both); retention by time and size
 *                          applies only when it contains {@code delete} (see {@link #deletes()})
 */
public record LogConfig(int segmentBytes, long segmentMs, long retentionMs, long retentionBytes,
                        int maxMessageBytes, TimestampType timestampType, boolean compact, String cleanupPolicy) {



    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String CLEANUP_POLICY = "cleanup.policy";

    /** Topic config keys this log understands, in the order DescribeConfigs lists them. */
    public static final Set<String> KEYS = Set.of(SEGMENT_BYTES, SEGMENT_MS, RETENTION_MS, RETENTION_BYTES,
            MAX_MESSAGE_BYTES, MESSAGE_TIMESTAMP_TYPE, CLEANUP_POLICY);

    public LogConfig {
        if (segmentBytes < Limits.SEGMENT_BYTES_MIN) throw new IllegalArgumentException(
                SEGMENT_BYTES + " must be at least " + Limits.SEGMENT_BYTES_MIN + " bytes, got " + segmentBytes);
        if (segmentMs < 1) throw new IllegalArgumentException(SEGMENT_MS + " must be >= 1, got " + segmentMs);
        if (retentionMs < -1) throw new IllegalArgumentException(RETENTION_MS + " must be >= -1, got " + retentionMs);
        if (retentionBytes < -1) throw new IllegalArgumentException(RETENTION_BYTES + " must be >= -1, got " + retentionBytes);
        if (maxMessageBytes < 0) throw new IllegalArgumentException(MAX_MESSAGE_BYTES + " must be >= 0, got " + maxMessageBytes);
        if (timestampType != TimestampType.CREATE_TIME && timestampType != TimestampType.LOG_APPEND_TIME)
            throw new IllegalArgumentException(MESSAGE_TIMESTAMP_TYPE + " must be CreateTime or LogAppendTime");
    }

    /**
     * Builds a config from text values ({@code defaults} overlaid by {@code overrides}), as stored and as sent by
     * AlterConfigs. Throws IllegalArgumentException naming the key for an unknown key or bad value.
     */
    public static LogConfig fromMap(Map<String, String> defaults, Map<String, String> overrides) {
        Map<String, String> m = new LinkedHashMap<>(defaults);
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!KEYS.contains(e.getKey())) throw new IllegalArgumentException("unknown topic config '" + e.getKey() + "'");
            m.put(e.getKey(), e.getValue());
        }
        String policy = require(m, CLEANUP_POLICY).trim();
        boolean compact = false;
        for (String p : policy.split(",")) {
            String t = p.trim();
            if (t.equals("compact")) compact = true;
            else if (!t.equals("delete")) throw new IllegalArgumentException(CLEANUP_POLICY + " must be delete, compact or both, got '" + policy + "'");
        }
        return new LogConfig(
                (int) longOf(m, SEGMENT_BYTES, Integer.MAX_VALUE),
                longOf(m, SEGMENT_MS, Long.MAX_VALUE),
                longOf(m, RETENTION_MS, Long.MAX_VALUE),
                longOf(m, RETENTION_BYTES, Long.MAX_VALUE),
                (int) longOf(m, MAX_MESSAGE_BYTES, Integer.MAX_VALUE),
                timestampTypeOf(require(m, MESSAGE_TIMESTAMP_TYPE)),
                compact, policy);
    }

    /**
     * Whether retention by time and size applies: cleanup.policy contains {@code delete}. As in Kafka, a topic that is
     * only {@code compact} keeps every segment however old or large (a Kafka Streams changelog or a table of latest
     * values must never lose a key to retention); only DeleteRecords below the log start removes its segments.
     */
    public boolean deletes() {
        for (String p : cleanupPolicy.split(",")) if (p.trim().equals("delete")) return true;
        return false;
    }

    /** The text form of every key (what DescribeConfigs returns). */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(CLEANUP_POLICY, cleanupPolicy);
        m.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
        m.put(MESSAGE_TIMESTAMP_TYPE, timestampType == TimestampType.LOG_APPEND_TIME ? "LogAppendTime" : "CreateTime");
        m.put(RETENTION_BYTES, Long.toString(retentionBytes));
        m.put(RETENTION_MS, Long.toString(retentionMs));
        m.put(SEGMENT_BYTES, Integer.toString(segmentBytes));
        m.put(SEGMENT_MS, Long.toString(segmentMs));
        return m;
    }

    private static String require(Map<String, String> m, String key) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException("missing topic config '" + key + "'");
        return v;
    }

    private static long longOf(Map<String, String> m, String key, long max) {
        String v = require(m, key).trim();
        try {
            long l = Long.parseLong(v);
            if (l > max) throw new IllegalArgumentException(key + " must be at most " + max + ", got " + v);
            return l;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    private static TimestampType timestampTypeOf(String v) {
        return switch (v.trim()) {
            case "CreateTime" -> TimestampType.CREATE_TIME;
            case "LogAppendTime" -> TimestampType.LOG_APPEND_TIME;
            default -> throw new IllegalArgumentException(MESSAGE_TIMESTAMP_TYPE + " must be CreateTime or LogAppendTime, got '" + v + "'");
        };
    }
}

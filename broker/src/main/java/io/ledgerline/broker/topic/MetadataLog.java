package io.ledgerline.broker.topic;

import io.ledgerline.log.LogConfig;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.PartitionLog;
import io.netty.util.internal.ThreadExecutorMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Ledgerline's own state (topics, their ids and configs, the cluster id, producer-id blocks) as a log of
 * key/value records in an internal partition, {@value #NAME}-0. The latest record per key wins; a null value
 * deletes the key. State is never written anywhere else: a restart replays this log.
 *
 * <p>Keys: {@code cluster-id}, {@code producer-ids} (next unallocated block start), {@code topic/<name>}
 * (see {@link TopicRegistry} for the value's text form).
 */
public final class MetadataLog {
    public static final String NAME = "__ledgerline_metadata";
    /** Prefix reserved for internal topics: user topics may not start with it. */
    public static final String INTERNAL_PREFIX = "__ledgerline";

    private final PartitionLog log;

    public MetadataLog(LogManager logs) throws IOException {
        LogConfig config = new LogConfig(64 * 1024 * 1024, Long.MAX_VALUE, -1, -1, 1024 * 1024,
                TimestampType.CREATE_TIME, false, "delete");
        this.log = logs.open(new TopicPartition(NAME, 0), config);
    }

    /**
     * Appends one change and returns once it is fsynced, whatever flush.mode says: Ledgerline's own state is
     * always durable (a topic must not vanish after a power cut while its records survive). Blocks for the
     * fsync, so it is never called on a network (Netty event loop) thread.
     */
    public synchronized void write(String key, String value) {
        assert ThreadExecutorMap.currentExecutor() == null
                : "a durable metadata write (an fsync) on a network thread: register the API as blocking (ApiTable.registerBlocking)";
        SimpleRecord r = new SimpleRecord(System.currentTimeMillis(), key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        long last = log.append(MemoryRecords.withRecords(Compression.NONE, r)).lastOffset();
        log.flush();
        if (log.highWatermark() <= last) {
            throw new KafkaStorageException("metadata write of '" + key + "' could not be made durable"
                    + (log.isOffline() ? ": the metadata log is offline after a storage failure" : ""));
        }
    }

    /** Feeds every record, oldest first, to {@code apply(key, valueOrNull)}. */
    public void replay(BiConsumer<String, String> apply) {
        log.replay(rec -> {
            String key = text(rec.key());
            apply.accept(key, rec.hasValue() ? text(rec.value()) : null);
        });
    }

    private static String text(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Encodes a flat string map as lines of {@code key=value} (keys and values never contain newlines). */
    static String encode(Map<String, String> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> {
            if (k.contains("\n") || v.contains("\n") || k.contains("=")) throw new IllegalArgumentException("bad metadata entry " + k);
            sb.append(k).append('=').append(v).append('\n');
        });
        return sb.toString();
    }

    static Map<String, String> decode(String text) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) continue;
            int i = line.indexOf('=');
            m.put(line.substring(0, i), line.substring(i + 1));
        }
        return m;
    }
}

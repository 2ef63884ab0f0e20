package io.ledgerline.broker.topic;

import io.ledgerline.broker.coordinator.LocalInternalLog;
import io.ledgerline.coordinator.RecordCodec;
import io.ledgerline.log.Limits;
import io.ledgerline.log.LogManager;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The metadata log's names and on-disk format: Ledgerline's own state (the cluster id, producer-id blocks, topics
 * with their ids and configs) as key/value records in the internal partition {@value #NAME}-0, each append fsynced
 * before it returns ({@link LocalInternalLog.Durability#ALWAYS}). The latest record per key wins; a null value
 * deletes the key. State is never written anywhere else: a start replays this log ({@link MetadataState}).
 *
 * <p>Keys and values are UTF-8 text:
 * <pre>
 *   cluster-id      a Kafka Uuid's text (URL-safe base64)            ({@link MetadataRecord.ClusterId})
 *   producer-ids    decimal: the end of the last reserved block      ({@link MetadataRecord.ProducerIdBlock})
 *   topic/&lt;name&gt;    lines "id=&lt;uuid&gt;", "partitions=&lt;n&gt;",
 *                   "config.&lt;key&gt;=&lt;value&gt;" per override, each ending in "\n"   ({@link MetadataRecord.TopicDefined})
 *                   or null: deleted                               ({@link MetadataRecord.TopicDeleted})
 * </pre>
 * Any other key is read as {@link MetadataRecord.Ignored}. A topic value's lines may come in any order (overrides
 * are written sorted by key); an override's key has no {@code '='} and neither key nor value a line break.
 */
public final class MetadataLog {
    public static final String NAME = "__ledgerline_metadata";
    /** Prefix reserved for internal topics: user topics may not start with it. */
    public static final String INTERNAL_PREFIX = "__ledgerline";


    static final String CLUSTER_ID_KEY = "cluster-id";
    static final String PRODUCER_IDS_KEY = "producer-ids";
    static final String TOPIC_KEY = "topic/";

    private MetadataLog() {}

    /** The metadata partition, opened as an internal log whose records the broker's clock stamps. */
    static LocalInternalLog<MetadataRecord> open(LogManager logs, LongSupplier clockMs) throws IOException {
        return new LocalInternalLog<>(logs, NAME, Limits.METADATA_LOG_BATCH_BYTES_MAX, CODEC, LocalInternalLog.Durability.ALWAYS, clockMs);
    }

    static final RecordCodec<MetadataRecord> CODEC = new RecordCodec<>() {
        @Override
        public byte[] key(MetadataRecord r) {
            String key;
            if (r instanceof MetadataRecord.ClusterId) key = CLUSTER_ID_KEY;
            else if (r instanceof MetadataRecord.ProducerIdBlock) key = PRODUCER_IDS_KEY;
            else if (r instanceof MetadataRecord.TopicDefined d) key = TOPIC_KEY + d.topic().name();
            else if (r instanceof MetadataRecord.TopicDeleted d) key = TOPIC_KEY + d.name();
            else key = ((MetadataRecord.Ignored) r).key();
            return key.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] value(MetadataRecord r) {
            String value;
            if (r instanceof MetadataRecord.ClusterId c) value = c.id();
            else if (r instanceof MetadataRecord.ProducerIdBlock b) value = Long.toString(b.end());
            else if (r instanceof MetadataRecord.TopicDefined d) value = encodeTopic(d.topic());
            else if (r instanceof MetadataRecord.TopicDeleted) value = null;
            else value = ((MetadataRecord.Ignored) r).value();
            return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public MetadataRecord decode(ByteBuffer keyBytes, ByteBuffer valueBytes) {
            String key = text(keyBytes);
            String value = valueBytes == null ? null : text(valueBytes);
            if (key.equals(CLUSTER_ID_KEY)) return new MetadataRecord.ClusterId(value);
            if (key.equals(PRODUCER_IDS_KEY) && value != null) return new MetadataRecord.ProducerIdBlock(Long.parseLong(value));
            if (key.startsWith(TOPIC_KEY)) {
                String name = key.substring(TOPIC_KEY.length());
                return value == null ? new MetadataRecord.TopicDeleted(name) : new MetadataRecord.TopicDefined(decodeTopic(name, value));
            }
            return new MetadataRecord.Ignored(key, value);
        }
    };

    private static String text(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String encodeTopic(Topic t) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("id", t.id().toString());
        m.put("partitions", Integer.toString(t.partitions()));
        new TreeMap<>(t.overrides()).forEach((k, v) -> m.put("config." + k, v));
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> {
            if (k.contains("\n") || v.contains("\n") || k.contains("=")) throw new IllegalArgumentException("bad metadata entry " + k);
            sb.append(k).append('=').append(v).append('\n');
        });
        return sb.toString();
    }

    static Topic decodeTopic(String name, String value) {
        Map<String, String> m = new HashMap<>();
        for (String line : value.split("\n")) {
            if (line.isEmpty()) continue;
            int i = line.indexOf('=');
            m.put(line.substring(0, i), line.substring(i + 1));
        }
        Map<String, String> overrides = new HashMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith("config.")) overrides.put(k.substring("config.".length()), v);
        });
        return new Topic(name, Uuid.fromString(m.get("id")), Integer.parseInt(m.get("partitions")), overrides);
    }
}

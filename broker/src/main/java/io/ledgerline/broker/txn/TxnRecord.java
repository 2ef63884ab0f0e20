package io.ledgerline.broker.txn;

import io.ledgerline.coordinator.RecordCodec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One record of the transaction log: the new state of a transactional id (the latest record per id wins).
 *
 * <p>Key: the transactional id, UTF-8. Value (version 2), big-endian:
 * <pre>
 *   version:int8 = 2 | state:int8 (TransactionState.id) | producerId:int64 | prevProducerId:int64 | epoch:int16
 *   | lastEpoch:int16 | timeoutMs:int32 | startMs:int64 | updateMs:int64
 *   | partitionCount:int32 | partitionCount × (topicLength:int16, topic:UTF-8, partition:int32)
 *   | groupCount:int32 | groupCount × (groupLength:int32, group:UTF-8)
 * </pre>
 * Version 1 is version 2 without prevProducerId, read as -1 (none). A tombstone (no value) removes the id.
 * {@link #CODEC} is this format for the {@link TransactionLog}.
 */
public record TxnRecord(String transactionalId, TxnMetadata value) {
    private static final byte VERSION = 2;
    private static final byte VERSION_1 = 1;
    static final Comparator<TopicPartition> PARTITION_ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /** The key and value above, as the transaction log stores them. */
    public static final RecordCodec<TxnRecord> CODEC = new RecordCodec<>() {
        @Override
        public byte[] key(TxnRecord r) {
            return r.keyBytes();
        }

        @Override
        public byte[] value(TxnRecord r) {
            return r.value() == null ? null : r.valueBytes();
        }

        @Override
        public TxnRecord decode(ByteBuffer key, ByteBuffer value) {
            return TxnRecord.decode(key, value);
        }
    };

    byte[] keyBytes() {
        return transactionalId.getBytes(StandardCharsets.UTF_8);
    }

    byte[] valueBytes() {
        TxnMetadata m = value;
        List<byte[]> topics = new ArrayList<>();
        List<byte[]> groups = new ArrayList<>();
        int size = 1 + 1 + 8 + 8 + 2 + 2 + 4 + 8 + 8 + 4 + 4;
        List<TopicPartition> parts = new ArrayList<>(m.partitions());
        parts.sort(PARTITION_ORDER);
        for (TopicPartition tp : parts) {
            byte[] t = tp.topic().getBytes(StandardCharsets.UTF_8);
            topics.add(t);
            size += 2 + t.length + 4;
        }
        List<String> gs = new ArrayList<>(m.groups());
        gs.sort(null);
        for (String g : gs) {
            byte[] b = g.getBytes(StandardCharsets.UTF_8);
            groups.add(b);
            size += 4 + b.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.put(VERSION).put(m.state().id).putLong(m.producerId()).putLong(m.prevProducerId()).putShort(m.epoch())
                .putShort(m.lastEpoch()).putInt(m.timeoutMs()).putLong(m.startMs()).putLong(m.updateMs());
        buf.putInt(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            buf.putShort((short) topics.get(i).length).put(topics.get(i)).putInt(parts.get(i).partition());
        }
        buf.putInt(groups.size());
        for (byte[] g : groups) buf.putInt(g.length).put(g);
        return buf.array();
    }

    static TxnRecord decode(ByteBuffer key, ByteBuffer value) {
        String id = StandardCharsets.UTF_8.decode(key.duplicate()).toString();
        if (value == null) return new TxnRecord(id, null);
        ByteBuffer b = value.duplicate();
        byte version = b.get();
        if (version != VERSION && version != VERSION_1) {
            throw new IllegalStateException("transaction record version " + version + " of " + id);
        }
        TransactionState state = TransactionState.byId(b.get());
        long pid = b.getLong();
        long prevPid = version == VERSION_1 ? RecordBatch.NO_PRODUCER_ID : b.getLong();
        short epoch = b.getShort();
        short lastEpoch = b.getShort();
        int timeout = b.getInt();
        long start = b.getLong();
        long update = b.getLong();
        int n = b.getInt();
        Set<TopicPartition> parts = new HashSet<>();
        for (int i = 0; i < n; i++) {
            byte[] t = new byte[b.getShort()];
            b.get(t);
            parts.add(new TopicPartition(new String(t, StandardCharsets.UTF_8), b.getInt()));
        }
        int g = b.getInt();
        Set<String> groups = new HashSet<>();
        for (int i = 0; i < g; i++) {
            byte[] s = new byte[b.getInt()];
            b.get(s);
            groups.add(new String(s, StandardCharsets.UTF_8));
        }
        return new TxnRecord(id, new TxnMetadata(pid, prevPid, epoch, lastEpoch, timeout, state, parts, groups, start, update));
    }
}

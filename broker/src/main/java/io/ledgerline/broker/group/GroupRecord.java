package io.ledgerline.broker.group;

import io.ledgerline.coordinator.RecordCodec;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A record of the group coordinator's log ({@link OffsetsLog}, stored by {@link #CODEC}): the only way the coordinator's durable state
 * changes, at run time as at replay. The latest record per key wins; a null value (tombstone) deletes the key.
 *
 * <pre>
 *   key   = type:int8 ...
 *     type 0 (offset): group:str topic:str partition:int32
 *     type 1 (group):  group:str
 *     type 2 (transactional offset, pending until its transaction ends): producerId:int64 group:str topic:str partition:int32
 *     type 3 (end of a producer's transactional offsets in a group):     producerId:int64 group:str
 *   value (offset, version 0) = version:int8 offset:int64 leaderEpoch:int32 metadata:str commitTimestampMs:int64
 *   value (transactional offset, version 0) = as an offset's value
 *   value (end, version 0) = version:int8 committed:int8 (1: the pending offsets become committed, 0: dropped)
 *   value (group,  version 0) = version:int8 protocolType:str? protocol:str? generation:int32 leader:str?
 *                               stateTimestampMs:int64 memberCount:int32 member*
 *     member = memberId:str instanceId:str? clientId:str clientHost:str rebalanceTimeoutMs:int32
 *              sessionTimeoutMs:int32 subscription:bytes assignment:bytes
 *   str = length:int32 (-1 = null) UTF-8 bytes; bytes = length:int32 bytes
 * </pre>
 * A group value is the group's last stable generation (written when the leader's assignment is stored and
 * when the group becomes empty); the rebalance in progress between two of them is not logged (as in Kafka).
 */
public sealed interface GroupRecord permits GroupRecord.Offset, GroupRecord.Group, GroupRecord.TxnOffset, GroupRecord.TxnEnd {
    byte OFFSET = 0;
    byte GROUP = 1;
    byte TXN_OFFSET = 2;
    byte TXN_END = 3;

    /** How the offsets log stores a record: {@link #keyBytes}, {@link #valueBytes}, read back by {@link #decode}. */
    RecordCodec<GroupRecord> CODEC = new RecordCodec<>() {
        @Override
        public byte[] key(GroupRecord record) {
            return record.keyBytes();
        }

        @Override
        public byte[] value(GroupRecord record) {
            return record.valueBytes();
        }

        @Override
        public GroupRecord decode(ByteBuffer key, ByteBuffer value) {
            return GroupRecord.decode(key, value);
        }
    };

    String groupId();

    byte[] keyBytes();

    /** The value bytes, or null for a tombstone. */
    byte[] valueBytes();

    /** A committed offset ({@code value} null: the offset was deleted or expired). */
    record Offset(String groupId, String topic, int partition, CommittedOffset value) implements GroupRecord {
        @Override
        public byte[] keyBytes() {
            return write(out -> {
                out.writeByte(OFFSET);
                str(out, groupId);
                str(out, topic);
                out.writeInt(partition);
            });
        }

        @Override
        public byte[] valueBytes() {
            if (value == null) return null;
            return write(out -> {
                out.writeByte(0);
                out.writeLong(value.offset());
                out.writeInt(value.leaderEpoch());
                str(out, value.metadata());
                out.writeLong(value.commitTimestampMs());
            });
        }
    }

    /** An offset committed in a producer's transaction (TxnOffsetCommit): pending until a {@link TxnEnd}. */
    record TxnOffset(long producerId, String groupId, String topic, int partition, CommittedOffset value) implements GroupRecord {
        @Override
        public byte[] keyBytes() {
            return write(out -> {
                out.writeByte(TXN_OFFSET);
                out.writeLong(producerId);
                str(out, groupId);
                str(out, topic);
                out.writeInt(partition);
            });
        }

        @Override
        public byte[] valueBytes() {
            return new Offset(groupId, topic, partition, value).valueBytes();
        }
    }

    /** The transaction of {@code producerId} ended: its pending offsets in the group are committed or dropped. */
    record TxnEnd(long producerId, String groupId, boolean committed) implements GroupRecord {
        @Override
        public byte[] keyBytes() {
            return write(out -> {
                out.writeByte(TXN_END);
                out.writeLong(producerId);
                str(out, groupId);
            });
        }

        @Override
        public byte[] valueBytes() {
            return write(out -> {
                out.writeByte(0);
                out.writeByte(committed ? 1 : 0);
            });
        }
    }

    /** One member of a stored generation. */
    record StoredMember(String memberId, String instanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                        int sessionTimeoutMs, byte[] subscription, byte[] assignment) {}

    /** A group's stable generation ({@code members} null: the group was deleted). */
    record Group(String groupId, String protocolType, String protocol, int generation, String leader,
                 long stateTimestampMs, List<StoredMember> members) implements GroupRecord {
        @Override
        public byte[] keyBytes() {
            return write(out -> {
                out.writeByte(GROUP);
                str(out, groupId);
            });
        }

        @Override
        public byte[] valueBytes() {
            if (members == null) return null;
            return write(out -> {
                out.writeByte(0);
                str(out, protocolType);
                str(out, protocol);
                out.writeInt(generation);
                str(out, leader);
                out.writeLong(stateTimestampMs);
                out.writeInt(members.size());
                for (StoredMember m : members) {
                    str(out, m.memberId());
                    str(out, m.instanceId());
                    str(out, m.clientId());
                    str(out, m.clientHost());
                    out.writeInt(m.rebalanceTimeoutMs());
                    out.writeInt(m.sessionTimeoutMs());
                    bytes(out, m.subscription());
                    bytes(out, m.assignment());
                }
            });
        }
    }

    /** Decodes a stored record; an unknown type or version is an IllegalStateException (a newer broker wrote it). */
    static GroupRecord decode(ByteBuffer key, ByteBuffer value) {
        try {
            DataInputStream k = in(key);
            byte type = k.readByte();
            DataInputStream v = value == null ? null : in(value);
            if (v != null) {
                byte version = v.readByte();
                if (version != 0) throw new IllegalStateException("group record version " + version + " is unknown");
            }
            switch (type) {
                case OFFSET -> {
                    String group = str(k);
                    String topic = str(k);
                    int partition = k.readInt();
                    CommittedOffset o = v == null ? null : new CommittedOffset(v.readLong(), v.readInt(), str(v), v.readLong());
                    return new Offset(group, topic, partition, o);
                }
                case GROUP -> {
                    String group = str(k);
                    if (v == null) return new Group(group, null, null, 0, null, 0, null);
                    String protocolType = str(v);
                    String protocol = str(v);
                    int generation = v.readInt();
                    String leader = str(v);
                    long ts = v.readLong();
                    int n = v.readInt();
                    List<StoredMember> members = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        members.add(new StoredMember(str(v), str(v), str(v), str(v), v.readInt(), v.readInt(), bytes(v), bytes(v)));
                    }
                    return new Group(group, protocolType, protocol, generation, leader, ts, members);
                }
                case TXN_OFFSET -> {
                    long pid = k.readLong();
                    String group = str(k);
                    String topic = str(k);
                    int partition = k.readInt();
                    if (v == null) throw new IllegalStateException("transactional offset without a value");
                    return new TxnOffset(pid, group, topic, partition, new CommittedOffset(v.readLong(), v.readInt(), str(v), v.readLong()));
                }
                case TXN_END -> {
                    long pid = k.readLong();
                    String group = str(k);
                    if (v == null) throw new IllegalStateException("transaction end without a value");
                    return new TxnEnd(pid, group, v.readByte() == 1);
                }
                default -> throw new IllegalStateException("group record type " + type + " is unknown");
            }
        } catch (IOException e) {
            throw new IllegalStateException("truncated group record", e);
        }
    }

    private static DataInputStream in(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new DataInputStream(new java.io.ByteArrayInputStream(bytes));
    }

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
        } else {
            bytes(out, s.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static String str(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}

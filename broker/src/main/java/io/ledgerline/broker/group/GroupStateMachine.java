package io.ledgerline.broker.group;

import io.ledgerline.coordinator.StateDigest;
import io.ledgerline.coordinator.StateMachine;
import org.apache.kafka.common.TopicPartition;

import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The group coordinator's state as the offsets log holds it, changed only by {@link #replay}: committed offsets,
 * offsets pending in transactions, each group's last stored generation, and which groups the log has. The
 * {@link GroupCoordinator}'s runtime replays every record here, at start ({@link #loading}) and once durable at run
 * time, through the same method. Live membership (members, rebalances, timers) sits beside it in the same
 * {@link ClassicGroup}s and is the coordinator's own: a JoinGroup puts a group in {@link #groups} ahead of the log.
 * At start, and only then, a stored generation also rebuilds the group's membership (a restart resumes each group
 * at its last stable generation); at run time the live group produced that record and already is in that state.
 *
 * <p>Replay is deterministic: it reads nothing but the state and the record (no clock; a group a committed offset
 * creates counts its state's time from that commit's timestamp). {@link #digest} fingerprints the replayed state.
 *
 * <p>Threads: touched only under the coordinator's monitor (the runtime's apply lock).
 */
final class GroupStateMachine implements StateMachine<GroupRecord> {
    /** Every group: those the log has ({@link ClassicGroup#logged}) and those only live so far. */
    final Map<String, ClassicGroup> groups = new HashMap<>();
    /** Offsets committed in ongoing transactions: group, producer id, partition (TxnOffsetCommit). */
    final Map<String, Map<Long, Map<TopicPartition, CommittedOffset>>> pendingTxnOffsets = new HashMap<>();
    /** True while the log is replayed at start: stored generations then rebuild membership. */
    boolean loading;

    /** Applies one record: the only way committed offsets, stored generations and group existence change. */
    @Override
    public void replay(GroupRecord record) {
        if (record instanceof GroupRecord.Offset o) {
            ClassicGroup g = groups.get(o.groupId());
            if (o.value() == null) {
                if (g == null) return;
                Map<Integer, CommittedOffset> parts = g.offsets.get(o.topic());
                if (parts != null) {
                    parts.remove(o.partition());
                    if (parts.isEmpty()) g.offsets.remove(o.topic());
                }
            } else {
                if (g == null) {
                    // Empty since this commit: the time comes from the record, never from a clock (replay is deterministic).
                    g = new ClassicGroup(o.groupId(), o.value().commitTimestampMs());
                    groups.put(o.groupId(), g);
                }
                g.logged = true;
                g.offsets.computeIfAbsent(o.topic(), t -> new HashMap<>()).put(o.partition(), o.value());
            }
        } else if (record instanceof GroupRecord.Group s) {
            if (s.members() == null) {
                ClassicGroup gone = groups.remove(s.groupId());
                assert loading || gone == null || gone.members.isEmpty()
                        : "a group is deleted only while Empty, and no member joins while its deletion is in flight";
                return;
            }
            if (!loading) {
                // The live group produced this record: it already is in that state; only what the log holds moves.
                ClassicGroup g = groups.get(s.groupId());
                assert g != null : "stored generation of an unknown group " + s.groupId();
                g.stored = s;
                g.logged = true;
                return;
            }
            ClassicGroup g = groups.computeIfAbsent(s.groupId(), id -> new ClassicGroup(id, s.stateTimestampMs()));
            g.stored = s;
            g.logged = true;
            g.members.clear();
            g.staticMembers.clear();
            g.generation = s.generation();
            g.protocolType = s.protocolType();
            g.protocol = s.protocol();
            g.leaderId = s.leader();
            for (GroupRecord.StoredMember sm : s.members()) {
                LinkedHashMap<String, byte[]> protocols = new LinkedHashMap<>();
                protocols.put(s.protocol(), sm.subscription());
                GroupMember m = new GroupMember(sm.memberId(), sm.instanceId(), sm.clientId(), sm.clientHost(),
                        sm.rebalanceTimeoutMs(), sm.sessionTimeoutMs(), s.protocolType(), protocols);
                m.assignment = sm.assignment();
                g.members.put(m.memberId, m);
                if (m.isStatic()) g.staticMembers.put(m.instanceId, m.memberId);
            }
            g.transition(g.members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE, s.stateTimestampMs());
        } else if (record instanceof GroupRecord.TxnOffset t) {
            pendingTxnOffsets.computeIfAbsent(t.groupId(), id -> new HashMap<>())
                    .computeIfAbsent(t.producerId(), id -> new LinkedHashMap<>())
                    .put(new TopicPartition(t.topic(), t.partition()), t.value());
        } else if (record instanceof GroupRecord.TxnEnd t) {
            Map<Long, Map<TopicPartition, CommittedOffset>> byProducer = pendingTxnOffsets.get(t.groupId());
            Map<TopicPartition, CommittedOffset> pending = byProducer == null ? null : byProducer.remove(t.producerId());
            if (byProducer != null && byProducer.isEmpty()) pendingTxnOffsets.remove(t.groupId());
            if (pending != null && t.committed()) {
                pending.forEach((tp, o) -> replay(new GroupRecord.Offset(t.groupId(), tp.topic(), tp.partition(), o)));
            }
        }
    }

    private static final Comparator<TopicPartition> BY_TOPIC_PARTITION =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    /**
     * SHA-256 (hex) of the replayed state in a canonical encoding (every key sorted): per group the log has, its id,
     * its last stored generation (the record's value bytes) and its committed offsets; then the offsets pending in
     * transactions. Live membership and timers are not in it. A fresh replay of a log gives the digest of the live
     * state that applied the same records.
     */
    String digest() {
        StateDigest d = new StateDigest();
        for (ClassicGroup g : new TreeMap<>(groups).values()) {
            if (!g.logged) continue;
            d.int8('G').text(g.groupId).bytes(g.stored == null ? null : g.stored.valueBytes());
            Map<TopicPartition, CommittedOffset> offsets = new TreeMap<>(BY_TOPIC_PARTITION);
            g.offsets.forEach((t, ps) -> ps.forEach((p, o) -> offsets.put(new TopicPartition(t, p), o)));
            offsets(d, offsets);
        }
        for (var byProducer : new TreeMap<>(pendingTxnOffsets).entrySet()) {
            for (var pending : new TreeMap<>(byProducer.getValue()).entrySet()) {
                d.int8('P').text(byProducer.getKey()).int64(pending.getKey());
                Map<TopicPartition, CommittedOffset> offsets = new TreeMap<>(BY_TOPIC_PARTITION);
                offsets.putAll(pending.getValue());
                offsets(d, offsets);
            }
        }
        return d.hex();
    }

    private static void offsets(StateDigest d, Map<TopicPartition, CommittedOffset> sorted) {
        d.int32(sorted.size());
        for (Map.Entry<TopicPartition, CommittedOffset> e : sorted.entrySet()) {
            CommittedOffset o = e.getValue();
            d.text(e.getKey().topic()).int32(e.getKey().partition())
                    .int64(o.offset()).int32(o.leaderEpoch()).text(o.metadata()).int64(o.commitTimestampMs());
        }
    }
}

package io.ledgerline.broker.txn;

import io.ledgerline.coordinator.StateDigest;
import io.ledgerline.coordinator.StateMachine;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transaction coordinator's replayed state: the {@link TxnMetadata} of every transactional id, changed only by
 * {@link #replay} of a {@link TxnRecord} (at start for each stored record, at run time for each record once it is
 * durable), so a restart rebuilds exactly what was served; {@link #digest} proves it. Replay reads nothing but the
 * record and the state: no clock, no id generation (both are decided by the operation and carried in the record).
 *
 * <p>Threads: the {@link io.ledgerline.coordinator.CoordinatorRuntime} calls {@link #replay} under its apply lock;
 * each {@link Entry} is guarded by its own monitor, which replay takes too (apply lock, then entry monitor), so an
 * operation holding an entry's monitor sees that entry's state stable. The map itself is concurrent: operations look
 * ids up without the apply lock.
 */
final class TxnStateMachine implements StateMachine<TxnRecord> {

    /**
     * One transactional id. {@code current} and {@code removed} are replayed state; {@code pending} is the
     * operations' bookkeeping (a change of this id is in flight: appended, not yet applied or dropped). An entry is
     * created by a lookup before its first record is durable, so {@code current} may be null (not yet known).
     * A removed entry (expired: its tombstone applied) is no longer in the map and never changes again.
     */
    static final class Entry {
        final String id;
        TxnMetadata current;
        boolean pending;
        boolean removed;

        Entry(String id) {
            this.id = id;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * The record's state for its transactional id, or the id forgotten (a tombstone). At run time the record is the
     * entry's one change in flight, which has now landed: the entry is no longer pending (at start none is).
     */
    @Override
    public void replay(TxnRecord r) {
        if (r.value() == null) {
            Entry gone = entries.get(r.transactionalId());
            if (gone == null) return;
            synchronized (gone) {
                assert !gone.removed : "a removed transactional id is no longer in the map";
                gone.current = null;
                gone.removed = true;
                gone.pending = false;
                entries.remove(gone.id, gone);
            }
            return;
        }
        Entry e = entries.computeIfAbsent(r.transactionalId(), Entry::new);
        synchronized (e) {
            assert !e.removed : "a removed transactional id never changes again";
            e.current = r.value();
            e.pending = false;
        }
    }

    /** The entry of {@code transactionalId}, or null. */
    Entry get(String transactionalId) {
        return entries.get(transactionalId);
    }

    /** The entry of {@code transactionalId}, created (its state not known yet) when there is none. */
    Entry getOrCreate(String transactionalId) {
        return entries.computeIfAbsent(transactionalId, Entry::new);
    }

    /** Every entry (a weakly consistent view: entries may come and go while it is read). */
    Collection<Entry> entries() {
        return entries.values();
    }

    /**
     * SHA-256 (hex) over a canonical encoding of the state: for every transactional id with a state, in id order,
     * the id and every field of its {@link TxnMetadata}, partitions and groups sorted. Independent of the log's
     * record format, so a format that loses a field shows as a different digest after a replay. Two states with
     * one digest answer every request alike. Exact only while nothing is replayed meanwhile (the caller holds the
     * apply lock, or the state is not live).
     */
    String digest() {
        Map<String, TxnMetadata> sorted = new TreeMap<>();
        for (Entry e : entries.values()) {
            synchronized (e) {
                if (e.current != null) sorted.put(e.id, e.current);
            }
        }
        StateDigest d = new StateDigest();
        sorted.forEach((id, m) -> {
            d.text(id).int64(m.producerId()).int64(m.prevProducerId()).int16(m.epoch()).int16(m.lastEpoch())
                    .int32(m.timeoutMs()).int32(m.state().ordinal()).int64(m.startMs()).int64(m.updateMs());
            List<TopicPartition> parts = new ArrayList<>(m.partitions());
            parts.sort(TxnRecord.PARTITION_ORDER);
            d.int32(parts.size());
            for (TopicPartition tp : parts) d.text(tp.topic()).int32(tp.partition());
            List<String> groups = new ArrayList<>(m.groups());
            groups.sort(null);
            d.int32(groups.size());
            for (String g : groups) d.text(g);
        });
        return d.hex();
    }

}

package io.ledgerline.registry.store;

import io.ledgerline.schema.state.SchemasRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A record log in memory, for tests of everything above the topic. Records go through their byte encoding
 * (as through Kafka) and are replayed synchronously. {@link #failNextAppends} makes appends fail before
 * anything is stored, as a broker that cannot be reached would.
 */
public final class InMemoryRecordLog implements RecordLog {
    private final List<SchemasRecord.Bytes> records = new ArrayList<>();
    private Consumer<SchemasRecord> replay;
    private int failures;

    @Override
    public synchronized void start(Consumer<SchemasRecord> replay) {
        this.replay = replay;
        for (SchemasRecord.Bytes r : records) {
            replay.accept(SchemasRecord.decode(r.key(), r.value()));
        }
    }

    @Override
    public synchronized void append(List<SchemasRecord> batch) throws StoreException {
        assert replay != null : "started before use";
        if (failures > 0) {
            failures--;
            throw new StoreException(StoreException.STORE_ERROR, "injected failure: the store cannot be written", null);
        }
        for (SchemasRecord record : batch) {
            SchemasRecord.Bytes bytes = SchemasRecord.encode(record);
            records.add(bytes);
            replay.accept(SchemasRecord.decode(bytes.key(), bytes.value()));
        }
    }

    /** Appends raw bytes, as another registry writing the same topic would. */
    public synchronized void appendRaw(byte[] key, byte[] value) {
        records.add(new SchemasRecord.Bytes(key, value));
        if (replay != null) {
            replay.accept(SchemasRecord.decode(key, value));
        }
    }

    @Override
    public void catchUp() {
    }

    public synchronized void failNextAppends(int count) {
        failures = count;
    }

    /** A new log holding the same records, not started: a restart of the registry on the same topic. */
    public synchronized InMemoryRecordLog copy() {
        InMemoryRecordLog copy = new InMemoryRecordLog();
        copy.records.addAll(records);
        return copy;
    }

    public synchronized int size() {
        return records.size();
    }

    @Override
    public void close() {
    }
}

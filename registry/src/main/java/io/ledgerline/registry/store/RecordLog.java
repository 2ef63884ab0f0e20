package io.ledgerline.registry.store;

import io.ledgerline.schema.state.SchemasRecord;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where the registry's records live: the {@code _schemas} topic ({@link KafkaRecordLog}) or, in unit tests, a
 * list ({@link InMemoryRecordLog}). Either way the state changes only through the replay callback: a write
 * returns once its records have been read back and replayed, never by applying them directly.
 */
public interface RecordLog extends AutoCloseable {

    /** Replays the log from its start into {@code replay}; returns once every record present now is replayed. */
    void start(Consumer<SchemasRecord> replay) throws StoreException;

    /** Appends the records in order and returns once all of them have been replayed. */
    void append(List<SchemasRecord> records) throws StoreException;

    /** Returns once every record appended before this call (by anyone) has been replayed. */
    void catchUp() throws StoreException;

    @Override
    void close();
}

package io.ledgerline.coordinator;

import java.nio.ByteBuffer;

/**
 * How a coordinator's records are stored: a key and a value (null: a tombstone), as every {@link InternalLog}
 * keeps them (a Kafka record's key and value), so a compacted log keeps the latest record per key.
 *
 * @param <R> the record type
 */
public interface RecordCodec<R> {
    byte[] key(R record);

    /** The value, or null for a tombstone (the key's state is gone). */
    byte[] value(R record);

    /** The record stored as {@code key} and {@code value} (null for a tombstone); the buffers are read-only views. */
    R decode(ByteBuffer key, ByteBuffer value);
}

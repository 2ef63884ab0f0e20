package io.ledgerline.log;

import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * One producer batch that passed {@link PartitionLog#validate}: the header checks, the CRC and the one
 * decompression pass over its records are done, so {@link PartitionLog#append(ValidatedBatch)} only takes the
 * lock, checks the producer state, assigns offsets and writes. It carries the log config it was validated
 * against (the limits it was checked under are the ones the append applies) and the log it belongs to.
 *
 * <p>Immutable as far as its holder is concerned, but not thread-safe: the append assigns offsets in the
 * batch's bytes in place, so it is appended once, by one thread, and never validated again.
 */
public final class ValidatedBatch {
    final PartitionLog log;
    final MemoryRecords records;
    final MutableRecordBatch batch;
    final LogConfig config;

    ValidatedBatch(PartitionLog log, MemoryRecords records, MutableRecordBatch batch, LogConfig config) {
        this.log = log;
        this.records = records;
        this.batch = batch;
        this.config = config;
    }

    /** The batch's header (producer id, epoch, sequence, transactional flag). */
    public RecordBatch batch() {
        return batch;
    }
}

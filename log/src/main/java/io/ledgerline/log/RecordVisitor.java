package io.ledgerline.log;

import org.apache.kafka.common.record.internal.Record;

/**
 * Sees each record of a batch as {@link PartitionLog#validate(org.apache.kafka.common.record.internal.MemoryRecords,
 * RecordVisitor)} decodes it, in order, in the same (single) decompression pass: the broker's batch inspectors
 * read records through it without decompressing the batch a second time. Called on the validating thread; a
 * visitor sees the records of a batch that may still fail validation later in the pass (then the batch is
 * refused as a whole and what the visitor kept must be dropped). A visitor must not throw: whatever it throws
 * is reported as undecodable records (CorruptRecordException), the producer's fault.
 */
@FunctionalInterface
public interface RecordVisitor {
    /** {@code batchIndex} is the record's position in its batch (0 for the first), as Kafka's record errors count. */
    void visit(int batchIndex, Record record);
}

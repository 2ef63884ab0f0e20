package io.ledgerline.log;

import org.apache.kafka.common.record.internal.Records;

import java.util.List;

/**
 * What a read returns: whole batches (starting with the one that holds the requested offset) as a region of
 * a segment file, to be sent without copying; plus the partition's offsets at read time.
 *
 * @param lastStableOffset    first offset of the earliest undecided transaction, else the high watermark
 * @param abortedTransactions read_committed only (else null): the aborted transactions whose records may be in
 *                            {@code records}, ordered by first offset, for the consumer to skip them
 */
public record ReadResult(Records records, long highWatermark, long lastStableOffset, long logStartOffset,
                         List<AbortedTxn> abortedTransactions) {

    /** A read_uncommitted result. */
    public ReadResult(Records records, long highWatermark, long lastStableOffset, long logStartOffset) {
        this(records, highWatermark, lastStableOffset, logStartOffset, null);
    }
}

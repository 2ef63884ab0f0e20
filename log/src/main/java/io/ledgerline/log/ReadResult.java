package io.ledgerline.log;

import org.apache.kafka.common.record.internal.Records;

/**
 * What a read returns: whole batches (starting with the one that holds the requested offset) as a region of
 * a segment file, to be sent without copying; plus the partition's offsets at read time.
 */
public record ReadResult(Records records, long highWatermark, long logStartOffset) {}

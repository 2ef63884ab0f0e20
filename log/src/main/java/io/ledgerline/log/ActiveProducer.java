package io.ledgerline.log;

/**
 * What a partition knows of one producer (DescribeProducers).
 *
 * @param coordinatorEpoch      coordinator epoch of its latest transaction marker here, -1 when none
 * @param lastSequence          sequence of its last batch here, -1 when none is kept (a marker began its epoch)
 * @param lastTimestamp         max timestamp of its last batch here, -1 when none is kept
 * @param currentTxnStartOffset first offset of its open transaction here, -1 when none
 */
public record ActiveProducer(long producerId, short epoch, int coordinatorEpoch, int lastSequence, long lastTimestamp, long currentTxnStartOffset) {}

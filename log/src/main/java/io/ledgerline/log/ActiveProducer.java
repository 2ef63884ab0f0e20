package io.ledgerline.log;

/**
 * What a partition knows of one producer (DescribeProducers).
 *
 * @param coordinatorEpoch      coordinator epoch of its latest transaction marker here, -1 when none
 * @param lastSequence          sequence of its last batch here, -1 when none is kept (a marker began its epoch)
 * @param lastTimestamp         max timestamp of its latest batch here or timestamp of its latest marker here,
 *                              whichever came last (Kafka's); -1 when none
 * @param currentTxnStartOffset first offset of its open transaction here, -1 when none
 */
public record ActiveProducer(long producerId, short epoch, int coordinatorEpoch, int lastSequence, long lastTimestamp, long currentTxnStartOffset) {}

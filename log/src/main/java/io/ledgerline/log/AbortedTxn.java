package io.ledgerline.log;

/**
 * An aborted transaction of one partition, as a read_committed fetch returns it (and as it is kept in the
 * aborted-transaction index, see {@link Segment}).
 *
 * @param producerId       the transaction's producer
 * @param firstOffset      offset of its first record in this partition
 * @param lastOffset       offset of its abort marker (a control batch)
 * @param lastStableOffset the partition's last stable offset right after the marker, ignoring the high
 *                         watermark: every transaction that began before it was decided at or before this
 *                         marker, so a search for transactions beginning before some offset can stop at the
 *                         first entry whose lastStableOffset reaches that offset (as Kafka's TransactionIndex)
 */
public record AbortedTxn(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {}

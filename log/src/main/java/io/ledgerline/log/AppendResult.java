package io.ledgerline.log;

/**
 * Where an appended batch landed.
 *
 * @param baseOffset      offset of its first record
 * @param lastOffset      offset of its last record
 * @param logAppendTimeMs the broker's timestamp for LogAppendTime topics, else -1
 * @param logStartOffset  the partition's log start offset at append time
 * @param duplicate       true when this was a producer retry of a batch already stored (offsets are the original's)
 */
public record AppendResult(long baseOffset, long lastOffset, long logAppendTimeMs, long logStartOffset, boolean duplicate) {}

package io.ledgerline.client;

/** Which records of the input may be processed at the same time. */
public enum Ordering {
    /**
     * Records of one key (within a partition) one after the other, in offset order; different keys concurrently.
     * Records without a key count as one key of their partition.
     */
    KEY,
    /** Records of one partition one after the other; partitions concurrently. */
    PARTITION,
    /** Any record at any time, up to the in-flight limit. */
    NONE
}

package io.ledgerline.broker.produce;

import io.ledgerline.broker.topic.MetadataLog;

/**
 * Hands out producer ids, unique across restarts: ids are reserved in blocks of {@value #BLOCK_SIZE} by a
 * durable {@code producer-ids} record in the metadata log (the next free block's first id), so a restart
 * continues after the last reserved block and never reuses an id whose batches are in some log.
 */
public final class ProducerIdManager {
    static final long BLOCK_SIZE = 1000;
    private static final String KEY = "producer-ids";

    private final MetadataLog metadata;
    private long next;
    private long blockEnd;

    public ProducerIdManager(MetadataLog metadata) {
        this.metadata = metadata;
        long[] reserved = {0};
        metadata.replay((k, v) -> {
            if (k.equals(KEY) && v != null) reserved[0] = Long.parseLong(v);
        });
        this.next = reserved[0];
        this.blockEnd = reserved[0];
    }

    public synchronized long nextId() {
        if (next >= blockEnd) {
            long end = next + BLOCK_SIZE;
            metadata.write(KEY, Long.toString(end));
            blockEnd = end;
        }
        return next++;
    }
}

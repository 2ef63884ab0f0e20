package io.ledgerline.broker.produce;

import io.ledgerline.broker.topic.MetadataCoordinator;
import io.ledgerline.broker.topic.MetadataRecord;
import io.ledgerline.log.Limits;

/**
 * Hands out producer ids, unique across restarts: ids are reserved in blocks of {@value io.ledgerline.log.Limits#PRODUCER_ID_BLOCK_SIZE} by a
 * durable {@code producer-ids} record in the metadata log (the end of the reserved blocks, read from the one
 * {@code MetadataState}), so a restart continues after the last reserved block and never reuses an id whose
 * batches are in some log.
 *
 * <p>Threads: {@link #nextId} is serialized by this object's monitor, and blocks for the metadata write (an
 * fsync) once per block: never called on a network thread.
 */
public final class ProducerIdManager {

    private final MetadataCoordinator metadata;
    /** The next id to hand out; below the state's block end, or equal to it when a new block is needed. */
    private long next;

    public ProducerIdManager(MetadataCoordinator metadata) {
        this.metadata = metadata;
        this.next = metadata.state().producerIdBlockEnd();
    }

    public synchronized long nextId() {
        if (next >= metadata.state().producerIdBlockEnd()) {
            long end = next + Limits.PRODUCER_ID_BLOCK_SIZE;
            metadata.write(new MetadataRecord.ProducerIdBlock(end));
            assert metadata.state().producerIdBlockEnd() == end : "the block is applied before the write returns";
        }
        return next++;
    }
}

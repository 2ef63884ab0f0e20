package io.ledgerline.log;

import io.ledgerline.log.io.FileOpener;

import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * What every partition log shares: how files are opened, the clock, the flush policy, the scheduler
 * that closes deleted segments' files late (so a fetch still sending one completes), and how long an idle
 * producer's state is kept.
 *
 * @param durableAck       true: an append is acknowledged only once fsynced (the default promise)
 * @param flusher          asked to flush a partition that has an append waiting to become durable
 * @param fileDeleteDelayMs how long a deleted segment's channel stays open (ms)
 * @param producerIdExpirationMs a producer with no open transaction in a partition, idle there this long, is
 *                         forgotten there (Kafka's producer.id.expiration.ms; see ProducerStateManager)
 */
public record LogContext(FileOpener opener, LongSupplier clockMs, boolean durableAck, FlushScheduler flusher,
                         ScheduledExecutorService scheduler, long fileDeleteDelayMs, long producerIdExpirationMs) {

    /** Receives partitions that have appended data not yet durable. */
    public interface FlushScheduler {
        void requestFlush(PartitionLog log);
    }
}

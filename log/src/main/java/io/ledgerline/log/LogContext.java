package io.ledgerline.log;

import io.ledgerline.log.io.FileOpener;

import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * What every partition log shares: how files are opened, the clock, the flush policy and the scheduler
 * that closes deleted segments' files late (so a fetch still sending one completes).
 *
 * @param durableAck       true: an append is acknowledged only once fsynced (the default promise)
 * @param flusher          asked to flush a partition that has an append waiting to become durable
 * @param fileDeleteDelayMs how long a deleted segment's channel stays open (ms)
 */
public record LogContext(FileOpener opener, LongSupplier clockMs, boolean durableAck, FlushScheduler flusher,
                         ScheduledExecutorService scheduler, long fileDeleteDelayMs) {

    /** Receives partitions that have appended data not yet durable. */
    public interface FlushScheduler {
        void requestFlush(PartitionLog log);
    }
}

package io.ledgerline.broker.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the {@link GroupCoordinator} needs of its log: {@link OffsetsLog} in the broker; in tests, a log whose
 * durability the test decides (out of order, failed), to check that the coordinator applies records only once
 * durable and in log order.
 */
interface GroupLog {
    /**
     * Appends {@code records} as one unit, after everything appended before. The future completes once they are
     * durable, or exceptionally if they could not be appended or made durable: then they are not in the log, or
     * (a failed fsync) a restart may or may not find them.
     */
    CompletableFuture<Void> append(List<GroupRecord> records, long nowMs);

    /** Feeds every durable record to {@code apply}, oldest first. */
    void replay(Consumer<GroupRecord> apply);
}

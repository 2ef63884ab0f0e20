package io.ledgerline.coordinator;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The log a {@link CoordinatorRuntime} keeps its state in: records appended in one total order, each append made
 * durable as a unit, the whole log replayable from its start. Two kinds implement it: a local partition log of the
 * broker (groups, transactions, topic metadata), and a Kafka topic read and written through the clients (the
 * schema registry, the ledger runner on an Apache Kafka cluster).
 *
 * <p>Compaction and checkpoints belong to an implementation, not to the runtime: a log may drop records whose key
 * a later record replaces (a compacted topic) or start its replay from a checkpoint, as long as what
 * {@link #replay} feeds is equivalent, for the state machine, to the whole log.
 *
 * <p>Threads: {@link #append} may be called from any thread but never concurrently with itself (the runtime
 * serialises it, which is what makes append order the log order); its future may complete on any thread (a flush
 * thread holding the log's locks), so its completions only hand over.
 *
 * @param <R> the record type
 */
public interface InternalLog<R> {

    /**
     * Appends {@code records} as one unit, after everything appended before. The future completes once they are
     * durable, or exceptionally if they could not be appended or made durable: then they will not be applied
     * (after a failed fsync a restart may or may not find them, as after any crash before the acknowledgement).
     * An empty list is not appended.
     */
    CompletableFuture<Void> append(List<R> records);

    /** Feeds every durable record to {@code apply}, oldest first. Called once, before the first append. */
    void replay(Consumer<R> apply);
}

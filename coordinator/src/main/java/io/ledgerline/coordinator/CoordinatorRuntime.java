package io.ledgerline.coordinator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a coordinator's {@link StateMachine} over its {@link InternalLog}: the write-then-apply loop that groups,
 * transactions and topic metadata share. An operation reads the state and returns a {@link Result} (records to
 * append, response); the runtime appends the records, and once they are durable applies them with
 * {@link StateMachine#replay}, in log order, then gives the response. A write whose append or fsync fails is never
 * applied; its response future fails with that error. So:
 * <ul>
 *   <li>what anyone reads of the state is the replay of a durable prefix of the log (a restart never takes back
 *       what a reader saw), and a writer that got its answer reads its own write;</li>
 *   <li>at start {@link #load} replays the log into the same state machine through the same method.</li>
 * </ul>
 *
 * <p>Writes may become durable out of order (one future completed at once, another later on a flush thread); a
 * later write is then applied only after every write before it is applied or dropped.
 *
 * <p>Threads and locks. Two locks, always taken in this order when both are held:
 * <ol>
 *   <li>the <em>apply lock</em>, given by the coordinator (its own monitor when the coordinator keeps in-memory
 *       state beside the replayed state, as the group coordinator keeps live membership): {@link #write} runs the
 *       operation under it, and records are applied under it, so an operation never sees a write half-applied;</li>
 *   <li>the runtime's internal append lock, held only to number an append, hand it to the log and queue it (and to
 *       read the queue): {@link #append} may be called by a coordinator that serialises its operations with locks
 *       of its own (the transaction coordinator, one monitor per transactional id), and append order is log order.</li>
 * </ol>
 * Durability futures only hand over to {@code executor} (a single thread), which applies what is ready and then
 * answers outside both locks: answering runs the callers' continuations. Applying is never done on the caller's
 * thread, so a caller holding locks of its own cannot deadlock with the executor's apply.
 *
 * @param <R> the record type
 */
public final class CoordinatorRuntime<R> {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorRuntime.class);

    /** An append whose fate is not known yet; {@code seq} numbers appends in log order. */
    private record InFlight<R>(long seq, List<R> records, CompletableFuture<Void> durable, CompletableFuture<Void> applied) {}

    private final String name;
    private final StateMachine<R> state;
    private final InternalLog<R> internalLog;
    private final Executor executor;
    private final Object applyLock;
    private final ReentrantLock appendLock = new ReentrantLock();
    /** Appended, not yet applied or dropped, in log order. Guarded by appendLock. */
    private final ArrayDeque<InFlight<R>> inFlight = new ArrayDeque<>();
    private long appendedSeq;
    /** Guarded by applyLock. */
    private long resolvedSeq;
    private boolean loaded;
    /** Set once by {@link #close}: why writes are refused from then on. Guarded by appendLock. */
    private Supplier<? extends RuntimeException> closed;

    /**
     * @param name      for logs ("groups", "transactions", "metadata")
     * @param executor  a single thread: applies durable writes and answers them
     * @param applyLock the lock operations and applies share (see the class comment)
     */
    public CoordinatorRuntime(String name, StateMachine<R> state, InternalLog<R> internalLog, Executor executor, Object applyLock) {
        this.name = name;
        this.state = state;
        this.internalLog = internalLog;
        this.executor = executor;
        this.applyLock = applyLock;
    }

    /** Replays the whole log into the state machine; returns how many records it fed. Once, before any write. */
    public int load() {
        synchronized (applyLock) {
            if (loaded) throw new IllegalStateException(name + " is already loaded");
            int[] n = {0};
            internalLog.replay(r -> {
                n[0]++;
                state.replay(r);
            });
            loaded = true;
            return n[0];
        }
    }

    /**
     * Runs {@code operation} under the apply lock, appends its records and completes with its response once they
     * are durable and applied (at once when it has none: its view was the applied state). Fails with the append's
     * or fsync's error, the records then never applied.
     */
    public <T> CompletableFuture<T> write(Supplier<Result<R, T>> operation) {
        Result<R, T> result;
        CompletableFuture<Void> applied;
        synchronized (applyLock) {
            result = operation.get();
            if (result.records().isEmpty()) return CompletableFuture.completedFuture(result.response());
            applied = append(result.records());
        }
        return applied.thenApply(v -> result.response());
    }

    /**
     * Appends {@code records} after every append before; the future completes once they are applied, exceptionally
     * (with the append's or fsync's error) if they never will be. For coordinators that serialise their operations
     * with locks of their own; a caller may hold the apply lock, or not.
     */
    public CompletableFuture<Void> append(List<R> records) {
        assert loaded : name + ": a write before the log was replayed";
        if (records.isEmpty()) return CompletableFuture.completedFuture(null);
        InFlight<R> w;
        appendLock.lock();
        try {
            if (closed != null) return CompletableFuture.failedFuture(closed.get());
            CompletableFuture<Void> durable;
            try {
                durable = internalLog.append(records);
            } catch (RuntimeException e) {
                durable = CompletableFuture.failedFuture(e);
            }
            w = new InFlight<>(++appendedSeq, List.copyOf(records), durable, new CompletableFuture<>());
            inFlight.addLast(w);
        } finally {
            appendLock.unlock();
        }
        // Possibly on a flush thread holding the log's locks, or right here: only hand over.
        w.durable().whenComplete((ok, err) -> resolveLater());
        return w.applied();
    }

    /** Feeds the records of every write appended and not yet applied or dropped, in log order. */
    public void forEachInFlight(Consumer<R> action) {
        appendLock.lock();
        try {
            for (InFlight<R> w : inFlight) w.records().forEach(action);
        } finally {
            appendLock.unlock();
        }
    }

    /** Completes once every write appended so far is applied or dropped. */
    public CompletableFuture<Void> settled() {
        appendLock.lock();
        try {
            InFlight<R> last = inFlight.peekLast();
            return last == null ? CompletableFuture.completedFuture(null) : last.applied().handle((ok, err) -> null);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Stops the runtime: every write not yet answered fails with {@code reason} (a caller waiting on one gets an
     * answer, never silence), and so does every later one. A write that was already durable stays in the log and is
     * applied by the next {@link #load}; its caller cannot tell, as after a timeout. The coordinator calls this before
     * it shuts its executor down. Idempotent.
     */
    public void close(Supplier<? extends RuntimeException> reason) {
        appendLock.lock();
        try {
            if (closed == null) closed = reason;
        } finally {
            appendLock.unlock();
        }
        failPending();
    }

    /** Fails every write still queued with the closing reason; outside the locks for the answers. */
    private void failPending() {
        List<InFlight<R>> pending;
        RuntimeException reason;
        appendLock.lock();
        try {
            if (closed == null || inFlight.isEmpty()) return;
            pending = new ArrayList<>(inFlight);
            inFlight.clear();
            reason = closed.get();
        } finally {
            appendLock.unlock();
        }
        log.debug("{}: closed with {} write(s) unanswered: {}", name, pending.size(), reason.toString());
        for (InFlight<R> w : pending) w.applied().completeExceptionally(reason);
    }

    private void resolveLater() {
        try {
            executor.execute(this::resolveAndAnswer);
        } catch (RejectedExecutionException e) {
            // The executor is shut down: the coordinator is closing. Nobody may be left waiting.
            appendLock.lock();
            try {
                if (closed == null) closed = () -> new IllegalStateException(name + ": the coordinator is closed");
            } finally {
                appendLock.unlock();
            }
            failPending();
        }
    }

    /**
     * Applies each write at the head of the queue that is durable and drops each that failed, in log order, up to
     * the first whose fate is not known yet; then answers them, outside the locks.
     */
    private void resolveAndAnswer() {
        List<Runnable> answers = new ArrayList<>();
        synchronized (applyLock) {
            while (true) {
                InFlight<R> w;
                appendLock.lock();
                try {
                    w = inFlight.peekFirst();
                    if (w == null || !w.durable().isDone()) break;
                    inFlight.pollFirst();
                } finally {
                    appendLock.unlock();
                }
                assert w.seq() == resolvedSeq + 1 : name + ": writes resolve one by one in log order: " + w.seq() + " after " + resolvedSeq;
                resolvedSeq = w.seq();
                Throwable failed = w.durable().handle((ok, err) -> err).join();
                if (failed == null) {
                    try {
                        for (R r : w.records()) state.replay(r);
                    } catch (RuntimeException e) {
                        log.error("{}: applying {} durable record(s) failed", name, w.records().size(), e);
                        failed = e;
                    }
                } else {
                    log.debug("{}: {} record(s) not applied: their write failed: {}", name, w.records().size(), failed.toString());
                }
                Throwable error = failed;
                answers.add(error == null ? () -> w.applied().complete(null) : () -> w.applied().completeExceptionally(error));
            }
        }
        for (Runnable a : answers) a.run();
    }
}

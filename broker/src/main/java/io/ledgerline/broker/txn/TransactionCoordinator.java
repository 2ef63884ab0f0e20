package io.ledgerline.broker.txn;

import io.ledgerline.broker.produce.ProducerIdManager;
import io.ledgerline.broker.produce.TransactionVerifier;
import io.ledgerline.broker.protocol.CoordinatorWriteErrors;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.broker.txn.TxnStateMachine.Entry;
import io.ledgerline.coordinator.CoordinatorRuntime;
import io.ledgerline.coordinator.InternalLog;
import io.ledgerline.log.AppendResult;
import io.ledgerline.log.Limits;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ConcurrentTransactionsException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import com.google.re2j.Pattern;

/**
 * The transaction coordinator: every transactional id of this broker (this node coordinates all of them).
 * Transaction version 1 (TV1): the broker finalizes no {@code transaction.version} feature, so clients add
 * partitions with AddPartitionsToTxn, end with EndTxn v0-4, and keep their epoch across transactions.
 *
 * <p>Shape (ARCHITECTURE.md): runs on the coordinator runtime ({@link CoordinatorRuntime} over the
 * {@link TransactionLog}). A request is checked against the current state and yields a response plus a
 * {@link TxnRecord} to append; {@link TxnStateMachine#replay} is the only code that changes the state, when the
 * record is durable at run time exactly as when the log is replayed at start, and the response leaves only then.
 * The clock and the producer ids ({@link ProducerIdManager}) are read by the requests, never by replay: what they
 * decide is in the record. While a record is in flight its transactional id is <em>pending</em>: other requests for
 * it get CONCURRENT_TRANSACTIONS, as in Kafka, and retry.
 *
 * <p>Ending a transaction: EndTxn (or a fence: InitProducerId on an ongoing transaction, or the transaction
 * timeout, both aborting with the epoch bumped) writes PrepareCommit/PrepareAbort; once that is durable the
 * decision stands, and the coordinator appends the COMMIT/ABORT marker to every partition of the transaction
 * and has the group coordinator commit or drop the transaction's consumer offsets ({@link GroupOffsets}),
 * waits until all of it is durable, and writes CompleteCommit/CompleteAbort. A restart finds a Prepare state and
 * finishes it (a marker written twice is harmless: the second finds no open transaction). A partition that
 * cannot take its marker (offline after a storage failure) is retried every {@value io.ledgerline.log.Limits#Limits.MARKER_RETRY_MS} ms.
 *
 * <p>Expiration (Kafka's transactional.id.expiration.ms): a transactional id with no transaction in progress
 * (Empty, CompleteCommit, CompleteAbort) and not updated for that long is removed by a tombstone (a record with no
 * value) in the transaction log, so a replay forgets it too; the next InitProducerId with it gets a new producer
 * id. The scan runs every {@code removeExpiredIntervalMs}. A removed {@link Entry} is marked so: a request that
 * found it just before reads no state (as for an unknown id), and InitProducerId answers CONCURRENT_TRANSACTIONS
 * (as while the tombstone is in flight), so that the client's retry looks the id up again.
 *
 * <p>The KIP-890 check ({@link #appendIfInTransaction}) and the append it guards run under the transactional
 * id's monitor, and so do state changes: no marker can land between a produce's check and its write.
 *
 * <p>Threads and locks: each transactional id's {@link Entry} is guarded by its own monitor, which serialises the
 * requests of that id (one change in flight per id); nothing blocks under it (an append to the transaction log
 * returns a future). Requests append with {@link CoordinatorRuntime#append} under the entry's monitor; the runtime
 * applies durable records under its apply lock (a private object of this coordinator), which replay holds while it
 * takes an entry's monitor. So the order is: entry monitor, then the runtime's append lock; apply lock, then entry
 * monitor; the apply lock is never taken under an entry's monitor (only {@link #digest} takes it, and never from
 * a request). The runtime's applies and answers, continuations, the timeout scan and the expiration scan run on
 * this coordinator's single-thread executor.
 */
public final class TransactionCoordinator implements TransactionVerifier, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionCoordinator.class);
    /** Written in every marker. One node, one coordinator that never moves: its epoch never changes. */
    static final int COORDINATOR_EPOCH = 0;

    /**
     * @param transactionMaxTimeoutMs        largest transaction.timeout.ms a producer may ask for (Kafka's
     *                                       transaction.max.timeout.ms)
     * @param abortTimedOutCheckIntervalMs   how often ongoing transactions are checked for their timeout
     *                                       (Kafka's transaction.abort.timed.out.transaction.cleanup.interval.ms)
     * @param transactionalIdExpirationMs    how long a transactional id with no transaction in progress is kept
     *                                       after its last update (Kafka's transactional.id.expiration.ms)
     * @param removeExpiredIntervalMs        how often transactional ids are checked for expiration (Kafka's
     *                                       transaction.remove.expired.transaction.cleanup.interval.ms)
     */
    public record Settings(int transactionMaxTimeoutMs, long abortTimedOutCheckIntervalMs, long transactionalIdExpirationMs,
                           long removeExpiredIntervalMs) {
        public Settings {
            assert transactionMaxTimeoutMs > 0 && abortTimedOutCheckIntervalMs > 0 && transactionalIdExpirationMs > 0
                    && removeExpiredIntervalMs > 0 : "checked by BrokerConfig";
        }
    }

    /** Where the consumer offsets of transactions live: the group coordinator (see GroupCoordinator#completeTxn). */
    @FunctionalInterface
    public interface GroupOffsets {
        /**
         * The transaction of {@code producerId} ended: its offsets in {@code groups} are committed or dropped. The
         * future completes once that is durable and visible to OffsetFetch.
         */
        CompletableFuture<Void> complete(long producerId, Set<String> groups, boolean committed);
    }

    /** InitProducerId's answer. */
    public record InitResult(Errors error, long producerId, short epoch) {
        static InitResult of(Errors e) {
            return new InitResult(e, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH);
        }
    }

    private final TxnStateMachine state = new TxnStateMachine();
    /** The runtime's apply lock (see the class comment): never taken under an entry's monitor. */
    private final Object applyLock = new Object();
    private final CoordinatorRuntime<TxnRecord> runtime;
    private final TopicRegistry topics;
    private final ProducerIdManager producerIds;
    private final GroupOffsets groupOffsets;
    private final Settings settings;
    private final LongSupplier clock;
    private final ScheduledExecutorService executor;
    private volatile boolean closed;

    /**
     * Loads the state from {@code txnLog} (the {@link TransactionLog}), then finishes every transaction found
     * decided but not completed.
     *
     * @param clock the broker's clock: start, update and timeout times of transactions, expiration
     */
    public TransactionCoordinator(InternalLog<TxnRecord> txnLog, TopicRegistry topics, ProducerIdManager producerIds,
                                  GroupOffsets groupOffsets, Settings settings, LongSupplier clock) {
        this.topics = topics;
        this.producerIds = producerIds;
        this.groupOffsets = groupOffsets;
        this.settings = settings;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ledgerline-txn-coordinator");
            t.setDaemon(true);
            return t;
        });
        this.runtime = new CoordinatorRuntime<>("transactions", state, txnLog, executor, applyLock);
        int records = runtime.load();
        int ids = 0;
        int completing = 0;
        for (Entry e : state.entries()) {
            ids++;
            if (e.current != null && e.current.state().completing()) {
                completing++;
                executor.execute(() -> completeOrRetry(e));
            }
        }
        log.info("{} transactional id(s) loaded from {} record(s), {} transaction(s) to complete", ids, records, completing);
        executor.scheduleWithFixedDelay(this::abortTimedOut, settings.abortTimedOutCheckIntervalMs(),
                settings.abortTimedOutCheckIntervalMs(), TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(this::expireTransactionalIds, settings.removeExpiredIntervalMs(),
                settings.removeExpiredIntervalMs(), TimeUnit.MILLISECONDS);
    }

    /**
     * Appends {@code next} (null: a tombstone) as {@code e}'s new state. The future completes once it is durable and
     * applied ({@link TxnStateMachine#replay}, which also ends the pending state), or exceptionally when it could
     * not be written: then it is never applied, and {@code e} is no longer pending by the time a continuation of the
     * future runs. Holds e's monitor.
     */
    private CompletableFuture<Void> write(Entry e, TxnMetadata next) {
        assert Thread.holdsLock(e) : "state changes of a transactional id are serialized by its monitor";
        assert !e.pending : "one change in flight per transactional id";
        assert !e.removed : "a removed transactional id is looked up again, not written";
        e.pending = true;
        return runtime.append(List.of(new TxnRecord(e.id, next))).whenComplete((v, err) -> {
            if (err == null) return;
            synchronized (e) {
                assert e.pending : "a failed change is still the one in flight";
                e.pending = false;
            }
        });
    }

    // ------------------------------------------------------------------ InitProducerId

    /**
     * InitProducerId with a transactional id, as Kafka's coordinator answers it (handleInitProducerId): a new
     * producer id at epoch 0 the first time, else the epoch bumped, which fences the producer that held the id; an
     * exhausted epoch (Short.MAX_VALUE - 1) gets a new producer id at epoch 0 instead. An ongoing transaction is
     * aborted first with the epoch bumped, then the request is taken again (Kafka answers CONCURRENT_TRANSACTIONS
     * and the client retries). A change in flight, or a transaction completing, is CONCURRENT_TRANSACTIONS.
     *
     * <p>{@code expectedProducerId}/{@code expectedEpoch} (both -1: none) are what a producer recovering from an
     * abortable error sends (KIP-360). The producer id must be the current one, or the one an exhausted epoch
     * just replaced (the retry of that rotation), else PRODUCER_FENCED. Then the epoch must be the current one
     * (bumped, the current one remembered as the last epoch) or the last epoch (the retry of a bump: answered
     * with the current epoch, not bumped again), else PRODUCER_FENCED.
     */
    public CompletableFuture<InitResult> initProducerId(String transactionalId, int timeoutMs, long expectedProducerId,
                                                        short expectedEpoch) {
        if (timeoutMs <= 0 || timeoutMs > settings.transactionMaxTimeoutMs()) {
            return CompletableFuture.completedFuture(InitResult.of(Errors.INVALID_TRANSACTION_TIMEOUT));
        }
        boolean kip360 = expectedProducerId != RecordBatch.NO_PRODUCER_ID;
        Entry e = state.getOrCreate(transactionalId);
        CompletableFuture<Void> written;
        TxnMetadata next;
        boolean fence = false;
        synchronized (e) {
            // Removed (expired) since the lookup: as while its tombstone is in flight, the client retries, and the
            // retry's lookup finds the id new.
            if (e.pending || e.removed) return CompletableFuture.completedFuture(InitResult.of(Errors.CONCURRENT_TRANSACTIONS));
            TxnMetadata cur = e.current;
            long now = clock.getAsLong();
            if (cur == null) {
                next = TxnMetadata.first(producerIds.nextId(), timeoutMs, now); // whatever was expected, as Kafka
            } else if (kip360 && !isExpectedProducerId(cur, expectedProducerId, expectedEpoch)) {
                return CompletableFuture.completedFuture(InitResult.of(Errors.PRODUCER_FENCED));
            } else {
                switch (cur.state()) {
                    case PREPARE_COMMIT, PREPARE_ABORT -> {
                        return CompletableFuture.completedFuture(InitResult.of(Errors.CONCURRENT_TRANSACTIONS));
                    }
                    case ONGOING -> {
                        // Whatever epoch was expected: Kafka fences first and checks the epoch on the retry.
                        next = cur.fenced(now);
                        fence = true;
                    }
                    default -> {
                        next = reinitialized(cur, timeoutMs, kip360, expectedEpoch, now);
                        if (next == null) return CompletableFuture.completedFuture(InitResult.of(Errors.PRODUCER_FENCED));
                    }
                }
            }
            written = write(e, next);
        }
        if (fence) {
            log.info("transactional id {}: InitProducerId aborts its ongoing transaction (producer {} epoch {} fenced)",
                    transactionalId, next.producerId(), next.epoch() - 1);
            // Then the same request again, as the client's retry after CONCURRENT_TRANSACTIONS in Kafka.
            return written.thenCompose(v -> complete(e).whenComplete((x, err) -> {
                        if (err != null) retryComplete(e); // decided: the abort is finished later; the client retries
                    }))
                    .thenCompose(v -> initProducerId(transactionalId, timeoutMs, expectedProducerId, expectedEpoch))
                    .exceptionally(t -> InitResult.of(CoordinatorWriteErrors.of(t)));
        }
        final TxnMetadata result = next;
        return written.handle((v, err) -> err != null ? InitResult.of(CoordinatorWriteErrors.of(err))
                : new InitResult(Errors.NONE, result.producerId(), result.epoch()));
    }

    /** No epoch above this one is handed out: the coordinator keeps Short.MAX_VALUE to fence with (Kafka's). */
    static boolean isEpochExhausted(short epoch) {
        return epoch >= Short.MAX_VALUE - 1;
    }

    /**
     * Kafka's isValidProducerId: the expected producer id is the current one, or the previous one together with
     * an exhausted epoch (the retry of the InitProducerId that replaced it).
     */
    private static boolean isExpectedProducerId(TxnMetadata cur, long expectedProducerId, short expectedEpoch) {
        return expectedProducerId == cur.producerId()
                || (expectedProducerId == cur.prevProducerId() && isEpochExhausted(expectedEpoch));
    }

    /**
     * InitProducerId with no transaction in progress (Kafka's prepareIncrementProducerEpoch and
     * prepareProducerIdRotation): the next epoch, or a new producer id once the epoch is exhausted. With an
     * expected epoch ({@code kip360}) the current one is bumped and kept as the last epoch, the last one gets the
     * current epoch again (a retry), any other is fenced: null.
     */
    private TxnMetadata reinitialized(TxnMetadata cur, int timeoutMs, boolean kip360, short expectedEpoch, long now) {
        if (kip360 && expectedEpoch != cur.epoch()) {
            // With the current epoch exhausted Kafka answers both cases UNKNOWN_SERVER_ERROR (it tries to bump
            // that epoch before it looks at the expected one); here they are answered as at any other epoch.
            if (expectedEpoch != cur.lastEpoch()) return null;
            return cur.initialized(cur.producerId(), cur.epoch(), cur.lastEpoch(), timeoutMs, now);
        }
        short last = kip360 ? cur.epoch() : RecordBatch.NO_PRODUCER_EPOCH;
        if (isEpochExhausted(cur.epoch())) return cur.initialized(producerIds.nextId(), (short) 0, last, timeoutMs, now);
        return cur.initialized(cur.producerId(), (short) (cur.epoch() + 1), last, timeoutMs, now);
    }

    // ------------------------------------------------------------------ AddPartitionsToTxn, AddOffsetsToTxn

    /** AddPartitionsToTxn (and AddOffsetsToTxn with {@code groups}): begins or extends the transaction. */
    public CompletableFuture<Errors> add(String transactionalId, long producerId, short epoch, Set<TopicPartition> partitions,
                                         Set<String> groups) {
        Entry e = state.get(transactionalId);
        if (e == null) return CompletableFuture.completedFuture(Errors.INVALID_PRODUCER_ID_MAPPING);
        CompletableFuture<Void> written;
        synchronized (e) {
            Errors error = check(e, producerId, epoch);
            if (error != Errors.NONE) return CompletableFuture.completedFuture(error);
            TxnMetadata cur = e.current;
            if (cur.state().completing()) return CompletableFuture.completedFuture(Errors.CONCURRENT_TRANSACTIONS);
            if (cur.state() == TransactionState.ONGOING && cur.partitions().containsAll(partitions) && cur.groups().containsAll(groups)) {
                return CompletableFuture.completedFuture(Errors.NONE);
            }
            written = write(e, cur.adding(partitions, groups, clock.getAsLong()));
        }
        return written.handle((v, err) -> err == null ? Errors.NONE : CoordinatorWriteErrors.of(err));
    }

    /** Request checks shared by the transaction's own requests; NONE when they pass. Holds e's monitor. */
    private static Errors check(Entry e, long producerId, short epoch) {
        TxnMetadata cur = e.current;
        if (cur == null || cur.producerId() != producerId) return Errors.INVALID_PRODUCER_ID_MAPPING;
        if (cur.epoch() != epoch) return Errors.PRODUCER_FENCED;
        if (e.pending) return Errors.CONCURRENT_TRANSACTIONS;
        return Errors.NONE;
    }

    /**
     * AddPartitionsToTxn v4+ with verifyOnly (the form brokers send each other): whether each partition is in the
     * ongoing transaction, with the errors of Kafka's coordinator. Writes nothing.
     */
    public Map<TopicPartition, Errors> verify(String transactionalId, long producerId, short epoch, Set<TopicPartition> partitions) {
        Map<TopicPartition, Errors> out = new HashMap<>();
        Entry e = state.get(transactionalId);
        Errors whole;
        TxnMetadata cur = null;
        if (e == null) {
            whole = Errors.INVALID_PRODUCER_ID_MAPPING;
        } else {
            synchronized (e) {
                cur = e.current;
                if (cur == null || cur.producerId() != producerId) whole = Errors.INVALID_PRODUCER_ID_MAPPING;
                else if (cur.epoch() != epoch) whole = Errors.PRODUCER_FENCED;
                else if (cur.state().completing()) whole = Errors.CONCURRENT_TRANSACTIONS;
                else whole = Errors.NONE;
            }
        }
        for (TopicPartition tp : partitions) {
            Errors err = whole;
            if (err == Errors.NONE && !(cur.state() == TransactionState.ONGOING && cur.partitions().contains(tp))) {
                err = Errors.TRANSACTION_ABORTABLE;
            }
            out.put(tp, err);
        }
        return out;
    }

    @Override
    public void appendIfInTransaction(String transactionalId, long producerId, short producerEpoch, TopicPartition tp,
                                      Runnable append) {
        ifInTransaction(transactionalId, producerId, producerEpoch, cur -> cur.partitions().contains(tp),
                () -> tp + " was not added to the transaction of " + transactionalId, () -> {
                    append.run();
                    return null;
                });
    }

    /**
     * TxnOffsetCommit's check: runs {@code commit} (the group coordinator's write) only if {@code groupId} was added
     * to the ongoing transaction (AddOffsetsToTxn), atomically with respect to the transaction's completion, as
     * {@link #appendIfInTransaction} does for records. Throws the same errors.
     */
    public <T> T commitOffsetsIfInTransaction(String transactionalId, long producerId, short producerEpoch, String groupId,
                                              Supplier<T> commit) {
        return ifInTransaction(transactionalId, producerId, producerEpoch, cur -> cur.groups().contains(groupId),
                () -> "group " + groupId + " was not added to the transaction of " + transactionalId, commit);
    }

    /**
     * Runs {@code action} under the transactional id's monitor (so the transaction cannot complete meanwhile) if
     * {@code producerId} at {@code producerEpoch} holds it and its ongoing transaction {@code added} what the action
     * writes to. Else throws, as Kafka answers: an unknown id or another producer INVALID_PRODUCER_ID_MAPPING, a
     * fenced epoch INVALID_PRODUCER_EPOCH (the client makes it ProducerFenced), a completing transaction
     * CONCURRENT_TRANSACTIONS, anything not added TRANSACTION_ABORTABLE.
     */
    private <T> T ifInTransaction(String transactionalId, long producerId, short producerEpoch, Predicate<TxnMetadata> added,
                                  Supplier<String> notAdded, Supplier<T> action) {
        Entry e = state.get(transactionalId);
        if (e == null) throw new InvalidPidMappingException("transactional id " + transactionalId + " is unknown");
        synchronized (e) {
            TxnMetadata cur = e.current;
            if (cur == null || cur.producerId() != producerId) {
                throw new InvalidPidMappingException("transactional id " + transactionalId + " is not held by producer " + producerId);
            }
            if (cur.epoch() != producerEpoch) {
                throw new InvalidProducerEpochException("producer " + producerId + " epoch " + producerEpoch
                        + " is fenced by epoch " + cur.epoch());
            }
            if (cur.state().completing()) throw new ConcurrentTransactionsException("transaction of " + transactionalId + " is completing");
            if (cur.state() != TransactionState.ONGOING || !added.test(cur)) throw new TransactionAbortableException(notAdded.get());
            return action.get();
        }
    }

    // ------------------------------------------------------------------ EndTxn

    /**
     * EndTxn (TV1): commits or aborts the ongoing transaction. Answered once the decision is durable and, normally,
     * once every marker is durable too, so a read_committed consumer sees the outcome when the producer's
     * commitTransaction() returns. A retry after completion gets NONE; a mismatched one INVALID_TXN_STATE.
     */
    public CompletableFuture<Errors> endTxn(String transactionalId, long producerId, short epoch, boolean commit) {
        Entry e = state.get(transactionalId);
        if (e == null) return CompletableFuture.completedFuture(Errors.INVALID_PRODUCER_ID_MAPPING);
        CompletableFuture<Void> prepared;
        synchronized (e) {
            Errors error = check(e, producerId, epoch);
            if (error != Errors.NONE) return CompletableFuture.completedFuture(error);
            TxnMetadata cur = e.current;
            Errors answer = switch (cur.state()) {
                case ONGOING -> null;
                case COMPLETE_COMMIT -> commit ? Errors.NONE : Errors.INVALID_TXN_STATE;
                case COMPLETE_ABORT -> commit ? Errors.INVALID_TXN_STATE : Errors.NONE;
                case PREPARE_COMMIT -> commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE;
                case PREPARE_ABORT -> commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS;
                case EMPTY -> Errors.INVALID_TXN_STATE;
            };
            if (answer != null) return CompletableFuture.completedFuture(answer);
            prepared = write(e, cur.withState(commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT, clock.getAsLong()));
        }
        return prepared.handle((v, err) -> err)
                .thenCompose(notDecided -> {
                    if (notDecided != null) return CompletableFuture.completedFuture(CoordinatorWriteErrors.of(notDecided));
                    // Decided: whatever happens to the markers now, the outcome stands (retried until written).
                    return complete(e).handle((v, err) -> {
                        if (err != null) retryComplete(e);
                        return Errors.NONE;
                    });
                });
    }

    /**
     * Writes the markers of {@code e}'s Prepare state to its partitions, then its Complete state. Completes
     * exceptionally when a marker or the record could not be written (the caller retries).
     */
    private CompletableFuture<Void> complete(Entry e) {
        TxnMetadata prepared;
        synchronized (e) {
            prepared = e.current;
        }
        if (prepared == null || !prepared.state().completing()) return CompletableFuture.completedFuture(null);
        boolean commit = prepared.state() == TransactionState.PREPARE_COMMIT;
        ControlRecordType type = commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT;
        List<CompletableFuture<Void>> durable = new ArrayList<>();
        for (TopicPartition tp : prepared.partitions()) {
            PartitionLog partition = topics.partition(tp.topic(), tp.partition());
            if (partition == null) continue; // the topic was deleted: nothing left there to decide
            try {
                AppendResult a = partition.appendMarker(prepared.producerId(), prepared.epoch(), type, COORDINATOR_EPOCH);
                durable.add(partition.durable(a.lastOffset()));
            } catch (InvalidProducerEpochException | TransactionCoordinatorFencedException ex) {
                // A newer epoch of this producer id already wrote there, which only a later decision can do (or an
                // operator's WriteTxnMarkers did). As Kafka's coordinator: that marker is given up, not retried.
                log.warn("{}: {} marker of {} skipped: {}", tp, type, e.id, ex.getMessage());
            } catch (RuntimeException ex) {
                return CompletableFuture.failedFuture(ex);
            }
        }
        if (!prepared.groups().isEmpty()) {
            try {
                durable.add(groupOffsets.complete(prepared.producerId(), prepared.groups(), commit));
            } catch (RuntimeException ex) {
                return CompletableFuture.failedFuture(ex);
            }
        }
        return CompletableFuture.allOf(durable.toArray(new CompletableFuture[0])).thenComposeAsync(v -> {
            synchronized (e) {
                if (e.current != prepared) return CompletableFuture.<Void>completedFuture(null); // completed meanwhile
                return write(e, prepared.completed(commit ? TransactionState.COMPLETE_COMMIT : TransactionState.COMPLETE_ABORT,
                        clock.getAsLong()));
            }
        }, executor);
    }

    private void completeOrRetry(Entry e) {
        complete(e).whenComplete((v, err) -> {
            if (err != null) retryComplete(e);
        });
    }

    private void retryComplete(Entry e) {
        if (closed) return;
        log.warn("transactional id {}: completing its transaction failed; retrying in {} ms", e.id, Limits.MARKER_RETRY_MS);
        executor.schedule(() -> completeOrRetry(e), Limits.MARKER_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ timeout

    /** Aborts (with the epoch bumped, fencing the producer) every ongoing transaction older than its timeout. */
    void abortTimedOut() {
        long now = clock.getAsLong();
        for (Entry e : state.entries()) {
            CompletableFuture<Void> written = null;
            synchronized (e) {
                TxnMetadata cur = e.current;
                if (cur != null && !e.pending && cur.state() == TransactionState.ONGOING && now - cur.startMs() > cur.timeoutMs()) {
                    log.info("transactional id {}: transaction of producer {} epoch {} timed out after {} ms; aborting",
                            e.id, cur.producerId(), cur.epoch(), cur.timeoutMs());
                    written = write(e, cur.fenced(now));
                }
            }
            if (written != null) {
                written.thenCompose(v -> complete(e)).whenComplete((v, err) -> {
                    if (err != null) retryComplete(e);
                });
            }
        }
    }

    // ------------------------------------------------------------------ expiration

    /**
     * Removes every transactional id with no transaction in progress whose last update is at least
     * transactional.id.expiration.ms old (as Kafka: {@code updateMs <= now - expiration}), by a tombstone.
     */
    void expireTransactionalIds() {
        long now = clock.getAsLong();
        for (Entry e : state.entries()) {
            synchronized (e) {
                TxnMetadata cur = e.current;
                if (cur == null || e.pending || e.removed || !cur.state().expirable()
                        || cur.updateMs() > now - settings.transactionalIdExpirationMs()) {
                    continue;
                }
                log.info("transactional id {}: {} and not updated for {} ms (transactional.id.expiration.ms {}): removing it "
                        + "(producer {} epoch {})", e.id, cur.state().kafkaName(), now - cur.updateMs(),
                        settings.transactionalIdExpirationMs(), cur.producerId(), cur.epoch());
                write(e, null).whenComplete((v, err) -> {
                    if (err != null) log.warn("transactional id {}: its tombstone could not be written; kept for now", e.id, err);
                });
            }
        }
    }

    // ------------------------------------------------------------------ describe, list

    /** The state of {@code transactionalId}, or null when unknown. */
    public TxnMetadata describe(String transactionalId) {
        Entry e = state.get(transactionalId);
        if (e == null) return null;
        synchronized (e) {
            return e.current;
        }
    }

    /** A transactional id and its state, as ListTransactions returns them. */
    public record Listed(String transactionalId, long producerId, TransactionState state) {}

    /**
     * ListTransactions, as Kafka's listTransactionStates: every transactional id passing all filters (an empty
     * filter passes all). The state filter holds Kafka's state names, exactly; other names match nothing.
     * {@code minDurationMs} (-1: none) drops every id whose latest transaction started at most that long ago
     * ({@code now - startMs <= minDurationMs}), whatever its state; an id with no start time (-1: no transaction
     * since its InitProducerId) passes it, as in Kafka. {@code idPattern} (null: none) must match the whole id.
     */
    public List<Listed> list(Set<String> states, Set<Long> producerIds, long minDurationMs, Pattern idPattern) {
        long now = clock.getAsLong();
        List<Listed> out = new ArrayList<>();
        for (Entry e : state.entries()) {
            TxnMetadata m;
            synchronized (e) {
                m = e.current;
            }
            if (m == null) continue;
            if (!states.isEmpty() && !states.contains(m.state().kafkaName())) continue;
            if (!producerIds.isEmpty() && !producerIds.contains(m.producerId())) continue;
            if (minDurationMs >= 0 && now - m.startMs() <= minDurationMs) continue;
            if (idPattern != null && !idPattern.matcher(e.id).matches()) continue;
            out.add(new Listed(e.id, m.producerId(), m.state()));
        }
        out.sort((a, b) -> a.transactionalId().compareTo(b.transactionalId()));
        return out;
    }

    /**
     * The digest of the replayed state ({@link TxnStateMachine#digest}) between two applies: equal to the digest of
     * a fresh replay of the log once every write so far is settled. Never called under an entry's monitor.
     */
    String digest() {
        synchronized (applyLock) {
            return state.digest();
        }
    }

    /** Whether a change of {@code transactionalId} is in flight (tests: quiescence, and no id left pending). */
    boolean pending(String transactionalId) {
        Entry e = state.get(transactionalId);
        if (e == null) return false;
        synchronized (e) {
            return e.pending;
        }
    }

    /** Completes once every write appended so far is applied or dropped (tests: quiescence). */
    CompletableFuture<Void> settled() {
        return runtime.settled();
    }

    @Override
    public void close() {
        closed = true;
        runtime.close(() -> new CoordinatorNotAvailableException("the transaction coordinator is shutting down"));
        executor.shutdownNow();
    }
}

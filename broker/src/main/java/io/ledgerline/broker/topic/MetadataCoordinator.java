package io.ledgerline.broker.topic;

import io.ledgerline.broker.coordinator.LocalInternalLog;
import io.ledgerline.coordinator.CoordinatorRuntime;
import io.ledgerline.coordinator.Result;
import io.ledgerline.log.LogManager;
import io.netty.util.internal.ThreadExecutorMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Ledgerline's own metadata on the coordinator runtime: the {@link MetadataState}, replayed once at construction
 * from the metadata log ({@link MetadataLog}), and the one way to change it, {@link #write}: an operation reads
 * the state and returns a {@link Result} whose records are appended, fsynced, then applied, before the write
 * returns. {@link TopicRegistry}, {@code ProducerIdManager} and the cluster id all read this one state.
 *
 * <p>Clock and ids are injected: the clock stamps the records, {@code ids} gives the cluster id and topic ids
 * (operations draw them; replay never does).
 *
 * <p>Threads: {@link #write} blocks for the fsync, so it is never called on a network (Netty event loop) thread
 * (asserted); callers may hold locks of their own (the registry's monitor, a transactional id's): the apply runs
 * on this coordinator's own thread, which takes no lock but the runtime's. Writes are serialised by the runtime;
 * reads of {@link #state} take no lock.
 */
public final class MetadataCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetadataCoordinator.class);

    private final MetadataState state = new MetadataState();
    /** The runtime's apply lock: operations and applies run under it. */
    private final Object applyLock = new Object();
    /** Held by a write from its start to its answer, and by close: no write is left waiting on a stopped thread. */
    private final Object writeLock = new Object();
    private final Supplier<Uuid> ids;
    private final ExecutorService applier;
    private final CoordinatorRuntime<MetadataRecord> runtime;
    private boolean closed;

    /** Opens the metadata log under {@code logs} and replays it. */
    public MetadataCoordinator(LogManager logs, LongSupplier clockMs, Supplier<Uuid> ids) throws IOException {
        this(MetadataLog.open(logs, clockMs), ids);
    }

    MetadataCoordinator(LocalInternalLog<MetadataRecord> metadataLog, Supplier<Uuid> ids) {
        this.ids = ids;
        this.applier = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ledgerline-metadata");
            t.setDaemon(true);
            return t;
        });
        this.runtime = new CoordinatorRuntime<>("metadata", state, metadataLog, applier, applyLock);
        int n = runtime.load();
        log.debug("metadata: {} record(s) replayed", n);
    }

    /** The state, as of the last applied write. */
    public MetadataState state() {
        return state;
    }

    /**
     * Runs {@code operation} under the apply lock, appends its records, and returns its response once they are
     * fsynced and applied. Throws what the operation throws (nothing written), or the append's or fsync's error
     * (KafkaStorageException, RecordTooLargeException: nothing applied).
     */
    public <T> T write(Supplier<Result<MetadataRecord, T>> operation) {
        assert ThreadExecutorMap.currentExecutor() == null
                : "a durable metadata write (an fsync) on a network thread: register the API as blocking (ApiTable.registerBlocking)";
        synchronized (writeLock) {
            if (closed) throw new IllegalStateException("the metadata log is closed");
            try {
                return runtime.write(operation).join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) throw cause;
                if (e.getCause() instanceof Error cause) throw cause;
                throw e;
            }
        }
    }

    /** Appends {@code record} and returns once it is fsynced and applied (see {@link #write}). */
    public void write(MetadataRecord record) {
        write(() -> Result.of(List.of(record), null));
    }

    /** The cluster's id: the one in the log, else a new one, written (the first start). */
    public String clusterId() {
        String id = state.clusterId();
        if (id != null) return id;
        return write(() -> {
            String now = state.clusterId();
            if (now != null) return Result.of(now);
            String fresh = ids.get().toString();
            return Result.of(List.of(new MetadataRecord.ClusterId(fresh)), fresh);
        });
    }

    /**
     * A topic id no topic has and that no protocol field reserves (zero: "no id"; Kafka's metadata topic's id).
     * Only inside an operation, so no other write can take it before the operation's record is applied.
     */
    Uuid newTopicId() {
        assert Thread.holdsLock(applyLock) : "a topic id is drawn inside a write's operation";
        Uuid id = ids.get();
        while (id.equals(Uuid.ZERO_UUID) || id.equals(Uuid.METADATA_TOPIC_ID) || state.hasTopicId(id)) id = ids.get();
        return id;
    }

    /** {@link MetadataState#digest} of the applied state, with no write applying meanwhile. */
    public String digest() {
        synchronized (applyLock) {
            return state.digest();
        }
    }

    /** Stops the apply thread once the write in progress, if any, is answered; a later write is refused. */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) return;
            closed = true;
        }
        runtime.close(() -> new KafkaStorageException("the metadata log is closed"));
        applier.shutdown();
        try {
            if (!applier.awaitTermination(10, TimeUnit.SECONDS)) log.warn("metadata: the apply thread did not stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

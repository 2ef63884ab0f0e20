package io.ledgerline.broker.fetch;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.log.AbortedTxn;
import io.ledgerline.log.PartitionLog;
import io.ledgerline.log.ReadResult;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Fetch: whole batches from the one holding each fetch offset, from the segment file without copying, up to
 * the high watermark (the durable end). Limits: partition max bytes, then the response's max bytes; the
 * first partition with data returns at least one whole batch even when larger (KIP-74).
 *
 * <p>Fetch sessions (KIP-227, from v7): the request's session id and epoch go to the {@link FetchSessionCache},
 * which says what to read (the request's partitions, or an incremental request's whole session) and how the
 * result becomes the response (a full fetch may create a session; an incremental response carries only the
 * partitions with news; a session error carries none). Partitions whose topic is unknown (an id no topic has:
 * UNKNOWN_TOPIC_ID; a name, or a partition past the topic's count: UNKNOWN_TOPIC_OR_PARTITION) come last, as in
 * Kafka.
 *
 * <p>Long poll: with less than min bytes available the request waits, up to max wait (capped by
 * fetch.max.wait.ms.max), and is re-read whenever one of its partitions' high watermark moves (the last
 * stable offset moves only with it). A waiting incremental fetch re-reads the session's partitions as they were
 * when it arrived, and its response is pruned against the session when it is answered.
 *
 * <p>read_committed stops at each partition's last stable offset and lists the aborted transactions that
 * overlap the returned batches, which the consumer then skips; every response carries the last stable offset.
 */
public final class FetchHandler implements ApiHandler {
    private final PartitionResolver resolver;
    private final ScheduledExecutorService timer;
    private final long maxWaitCapMs;
    private final FetchSessionCache sessions;

    public FetchHandler(TopicRegistry topics, ScheduledExecutorService timer, long maxWaitCapMs, FetchSessionCache sessions) {
        this.resolver = new PartitionResolver(topics);
        this.timer = timer;
        this.maxWaitCapMs = maxWaitCapMs;
        this.sessions = sessions;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        FetchRequestData req = request.body(FetchRequest.class).data();
        short version = request.version();
        boolean byId = version >= 13;
        Function<Uuid, String> names = id -> {
            PartitionResolver.Resolved e = resolver.topic(id);
            return e.found() ? e.entry().topic().name() : null;
        };
        LinkedHashMap<FetchSession.Key, FetchSession.Wanted> named = new LinkedHashMap<>();
        for (FetchRequestData.FetchTopic t : req.topics()) {
            String name = byId ? names.apply(t.topicId()) : t.topic();
            for (FetchRequestData.FetchPartition p : t.partitions()) {
                FetchSession.Key key = FetchSession.Key.of(byId, t.topicId(), name, p.partition());
                named.put(key, new FetchSession.Wanted(key, t.topicId(), name, p.partition(), p.fetchOffset(), p.logStartOffset(),
                        p.partitionMaxBytes(), p.currentLeaderEpoch(), p.lastFetchedEpoch()));
            }
        }
        List<FetchSession.Key> toForget = new ArrayList<>();
        for (FetchRequestData.ForgottenTopic t : req.forgottenTopicsData()) {
            String name = byId ? names.apply(t.topicId()) : t.topic();
            for (int partition : t.partitions()) toForget.add(FetchSession.Key.of(byId, t.topicId(), name, partition));
        }
        FetchContext ctx = sessions.newContext(version, req.sessionId(), req.sessionEpoch(), named.values(), toForget, names);
        Read first = read(ctx.toRead(), req);
        long maxWait = Math.min(req.maxWaitMs(), maxWaitCapMs);
        if (first.bytes >= req.minBytes() || maxWait <= 0 || first.error || first.logs.isEmpty()) {
            return ApiHandler.done(ctx.respond(first.updates));
        }
        return new DelayedFetch(req, ctx, first.logs, maxWait).future;
    }

    /** One evaluation of a fetch: each partition's response (errors last), their size, and the logs looked at. */
    private static final class Read {
        final LinkedHashMap<FetchSession.Key, FetchContext.Update> updates = new LinkedHashMap<>();
        final List<PartitionLog> logs = new ArrayList<>();
        long bytes;
        boolean error;
    }

    private Read read(List<FetchSession.Wanted> toRead, FetchRequestData req) {
        Read out = new Read();
        boolean readCommitted = req.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        long remaining = req.maxBytes();
        boolean minOneBatch = true;
        List<FetchContext.Update> unknown = new ArrayList<>();
        PartitionResolver.Resolved resolved = null;
        String resolvedName = null;
        for (FetchSession.Wanted w : toRead) {
            // A null name is an id that did not resolve when the request (or its session) named it. Partitions of a
            // topic come one after another: resolve the topic once for them.
            if (w.topic() == null) resolved = PartitionResolver.UNKNOWN_ID;
            else if (resolved == null || !resolved.found() || !w.topic().equals(resolvedName)) {
                resolved = resolver.topic(w.topic());
                resolvedName = w.topic();
            }
            PartitionLog log = resolved.partition(w.partition());
            if (log == null) {
                Errors e = resolved.partitionError(w.partition());
                unknown.add(new FetchContext.Update(w, FetchResponse.partitionResponse(w.partition(), e)
                        .setLastStableOffset(-1).setLogStartOffset(-1)));
                out.error = true;
                continue;
            }
            FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData()
                    .setPartitionIndex(w.partition())
                    .setPreferredReadReplica(-1)
                    .setRecords(MemoryRecords.EMPTY);
            out.updates.put(w.key(), new FetchContext.Update(w, pd));
            TopicRegistry.Entry topic = resolved.entry();
            out.logs.add(log);
            pd.setHighWatermark(log.highWatermark()).setLastStableOffset(log.lastStableOffset()).setLogStartOffset(log.logStartOffset());
            // As Kafka: the list under read_committed (empty when none), null under read_uncommitted (the
            // generated default is an empty list).
            pd.setAbortedTransactions(readCommitted ? new ArrayList<>() : null);
            if (!w.topicId().equals(Uuid.ZERO_UUID) && !topic.topic().id().equals(w.topicId())) {
                pd.setErrorCode(Errors.INCONSISTENT_TOPIC_ID.code()); // a session's id whose name now has another topic
                out.error = true;
                continue;
            }
            if (w.currentLeaderEpoch() > 0) {
                pd.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
                out.error = true;
                continue;
            }
            try {
                int limit = (int) Math.max(0, Math.min(w.maxBytes(), remaining));
                ReadResult r = log.read(w.fetchOffset(), limit, minOneBatch,
                        readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED);
                int size = r.records().sizeInBytes();
                pd.setRecords(r.records()).setHighWatermark(r.highWatermark()).setLastStableOffset(r.lastStableOffset())
                        .setLogStartOffset(r.logStartOffset());
                if (readCommitted && r.abortedTransactions() != null) {
                    List<FetchResponseData.AbortedTransaction> aborted = new ArrayList<>(r.abortedTransactions().size());
                    for (AbortedTxn a : r.abortedTransactions()) {
                        aborted.add(new FetchResponseData.AbortedTransaction().setProducerId(a.producerId()).setFirstOffset(a.firstOffset()));
                    }
                    pd.setAbortedTransactions(aborted);
                }
                if (size > 0) {
                    minOneBatch = false;
                    remaining -= size;
                    out.bytes += size;
                }
            } catch (ApiException e) {
                // As Kafka's failed log read (OFFSET_OUT_OF_RANGE, …): no offsets known to the answer.
                pd.setErrorCode(Errors.forException(e).code()).setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1);
                out.error = true;
            }
        }
        for (FetchContext.Update u : unknown) out.updates.put(u.wanted().key(), u);
        return out;
    }

    /** A fetch waiting for data: re-read when a partition's high watermark moves, answered at max wait. */
    private final class DelayedFetch implements Runnable {
        final CompletableFuture<AbstractResponse> future = new CompletableFuture<>();
        private final FetchRequestData req;
        private final FetchContext ctx;
        private final List<PartitionLog> logs;
        private final AtomicBoolean done = new AtomicBoolean();
        private final AtomicBoolean recheckQueued = new AtomicBoolean();
        private final Runnable wake = this::wake;
        private final ScheduledFuture<?> timeout;

        DelayedFetch(FetchRequestData req, FetchContext ctx, List<PartitionLog> logs, long maxWaitMs) {
            this.req = req;
            this.ctx = ctx;
            this.logs = logs;
            this.timeout = timer.schedule(() -> finish(read(ctx.toRead(), req)), maxWaitMs, TimeUnit.MILLISECONDS);
            for (PartitionLog l : logs) l.addHighWatermarkListener(wake);
            if (done.get()) {
                for (PartitionLog l : logs) l.removeHighWatermarkListener(wake); // timed out while registering
            }
            wake(); // data may have arrived between the first read and registration
        }

        /** Called on the thread that moved a high watermark: hand the re-read to the timer thread. */
        private void wake() {
            if (!done.get() && recheckQueued.compareAndSet(false, true)) timer.execute(this);
        }

        @Override
        public void run() {
            recheckQueued.set(false);
            if (done.get()) return;
            Read r = read(ctx.toRead(), req);
            if (r.bytes >= req.minBytes() || r.error) finish(r);
        }

        private void finish(Read r) {
            if (!done.compareAndSet(false, true)) return;
            timeout.cancel(false);
            for (PartitionLog l : logs) l.removeHighWatermarkListener(wake);
            future.complete(ctx.respond(r.updates));
        }
    }
}

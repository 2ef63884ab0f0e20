package io.ledgerline.broker.fetch;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.log.PartitionLog;
import io.ledgerline.log.ReadResult;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fetch: whole batches from the one holding each fetch offset, from the segment file without copying, up to
 * the high watermark (the durable end). Limits: partition max bytes, then the response's max bytes; the
 * first partition with data returns at least one whole batch even when larger (KIP-74).
 *
 * <p>Long poll: with less than min bytes available the request waits, up to max wait (capped by
 * fetch.max.wait.ms.max), and is re-read whenever one of its partitions' high watermark moves. Fetch
 * sessions are not kept: every response has session id 0, so clients send full fetch requests.
 * read_committed sees the same as read_uncommitted until transactions exist (last stable offset = high
 * watermark, no aborted transactions).
 */
public final class FetchHandler implements ApiHandler {
    private final TopicRegistry topics;
    private final ScheduledExecutorService timer;
    private final long maxWaitCapMs;

    public FetchHandler(TopicRegistry topics, ScheduledExecutorService timer, long maxWaitCapMs) {
        this.topics = topics;
        this.timer = timer;
        this.maxWaitCapMs = maxWaitCapMs;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        FetchRequestData req = request.body(FetchRequest.class).data();
        if (req.sessionId() != 0) {
            return ApiHandler.done(FetchResponse.of(new FetchResponseData()
                    .setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()).setSessionId(0)));
        }
        Read first = read(req, request.version());
        long maxWait = Math.min(req.maxWaitMs(), maxWaitCapMs);
        if (first.bytes >= req.minBytes() || maxWait <= 0 || first.error || first.logs.isEmpty()) {
            return ApiHandler.done(FetchResponse.of(first.data));
        }
        return new DelayedFetch(req, request.version(), first.logs, maxWait).future;
    }

    /** One evaluation of a fetch: the response data, its size, and the partitions it looked at. */
    private static final class Read {
        final FetchResponseData data = new FetchResponseData().setSessionId(0);
        final List<PartitionLog> logs = new ArrayList<>();
        long bytes;
        boolean error;
    }

    private Read read(FetchRequestData req, short version) {
        Read out = new Read();
        boolean byId = version >= 13;
        boolean readCommitted = req.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        long remaining = req.maxBytes();
        boolean minOneBatch = true;
        for (FetchRequestData.FetchTopic t : req.topics()) {
            FetchResponseData.FetchableTopicResponse tr = new FetchResponseData.FetchableTopicResponse();
            if (byId) tr.setTopicId(t.topicId());
            else tr.setTopic(t.topic());
            out.data.responses().add(tr);
            TopicRegistry.Entry topic = byId ? topics.get(t.topicId()) : topics.get(t.topic());
            for (FetchRequestData.FetchPartition p : t.partitions()) {
                FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData()
                        .setPartitionIndex(p.partition())
                        .setPreferredReadReplica(-1)
                        .setRecords(MemoryRecords.EMPTY);
                tr.partitions().add(pd);
                if (topic == null || p.partition() < 0 || p.partition() >= topic.partitions().size()) {
                    pd.setErrorCode((byId && topic == null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code())
                            .setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1);
                    out.error = true;
                    continue;
                }
                PartitionLog log = topic.partitions().get(p.partition());
                out.logs.add(log);
                pd.setHighWatermark(log.highWatermark()).setLastStableOffset(log.highWatermark()).setLogStartOffset(log.logStartOffset());
                if (readCommitted) pd.setAbortedTransactions(new ArrayList<>());
                if (p.currentLeaderEpoch() > 0) {
                    pd.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
                    out.error = true;
                    continue;
                }
                try {
                    int limit = (int) Math.max(0, Math.min(p.partitionMaxBytes(), remaining));
                    ReadResult r = log.read(p.fetchOffset(), limit, minOneBatch);
                    int size = r.records().sizeInBytes();
                    pd.setRecords(r.records()).setHighWatermark(r.highWatermark()).setLastStableOffset(r.highWatermark())
                            .setLogStartOffset(r.logStartOffset());
                    if (size > 0) {
                        minOneBatch = false;
                        remaining -= size;
                        out.bytes += size;
                    }
                } catch (ApiException e) {
                    pd.setErrorCode(Errors.forException(e).code());
                    out.error = true;
                }
            }
        }
        return out;
    }

    /** A fetch waiting for data: re-read when a partition's high watermark moves, answered at max wait. */
    private final class DelayedFetch implements Runnable {
        final CompletableFuture<AbstractResponse> future = new CompletableFuture<>();
        private final FetchRequestData req;
        private final short version;
        private final List<PartitionLog> logs;
        private final AtomicBoolean done = new AtomicBoolean();
        private final AtomicBoolean recheckQueued = new AtomicBoolean();
        private final Runnable wake = this::wake;
        private final ScheduledFuture<?> timeout;

        DelayedFetch(FetchRequestData req, short version, List<PartitionLog> logs, long maxWaitMs) {
            this.req = req;
            this.version = version;
            this.logs = logs;
            this.timeout = timer.schedule(() -> finish(read(req, version)), maxWaitMs, TimeUnit.MILLISECONDS);
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
            Read r = read(req, version);
            if (r.bytes >= req.minBytes() || r.error) finish(r);
        }

        private void finish(Read r) {
            if (!done.compareAndSet(false, true)) return;
            timeout.cancel(false);
            for (PartitionLog l : logs) l.removeHighWatermarkListener(wake);
            future.complete(FetchResponse.of(r.data));
        }
    }
}

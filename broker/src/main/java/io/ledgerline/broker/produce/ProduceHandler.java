package io.ledgerline.broker.produce;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.log.AppendResult;
import io.ledgerline.log.PartitionLog;
import io.ledgerline.log.ValidatedBatch;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Produce: validate and append each partition's batch, then answer once every appended batch is durable
 * (acks=1 and acks=all both wait: this node is the only replica, and an acknowledgement means "on disk").
 * acks=0 gets no response at all. Per partition, a failure is that partition's error code; the others
 * still succeed (as in Kafka).
 *
 * <p>Each partition's batch goes through two steps:
 * <ol>
 *   <li><b>validate</b>, holding no lock: {@link ProduceRequest#validateRecords}, then the log's
 *   {@link PartitionLog#validate} (header, CRC, one decompression pass), then the {@link BatchInspector}s that
 *   apply to the partition, which see the records that same pass decoded;</li>
 *   <li><b>commit</b>, short: {@link PartitionLog#append(ValidatedBatch)} (the lock, producer state, offsets,
 *   the write); for a transactional batch inside {@link TransactionVerifier#appendIfInTransaction}, whose
 *   closure holds only that append;</li>
 * </ol>
 * then the durability wait. Without inspectors (the default) or when none applies to the request's partitions,
 * the request is handled on the calling thread (the event loop) exactly as before: no record is collected, no
 * per-record allocation. When an inspector applies, the whole request is handled on the {@code inspection}
 * executor, so inspection never runs on an event loop, and never under the verifier's monitor.
 *
 * <p>A transactional batch is appended only if its partition is in the producer's ongoing transaction (the
 * KIP-890 check, see {@link TransactionVerifier}). A partition that was not added gets TRANSACTION_ABORTABLE
 * from Produce v11 on and INVALID_TXN_STATE before (what Apache Kafka 4.x answers: older clients do not know
 * TRANSACTION_ABORTABLE); a transactional batch without a transactional id in the request gets
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED, as in Kafka. The transaction check's error wins over a validation
 * error or an inspector's verdict (as in Kafka, where the log validates after the verification): those are
 * carried into the commit step and acted on only if the check passes.
 */
public final class ProduceHandler implements ApiHandler {
    /** First Produce version whose clients understand TRANSACTION_ABORTABLE (KIP-890). */
    static final short TRANSACTION_ABORTABLE_MIN_VERSION = 11;

    private final PartitionResolver resolver;
    private final TransactionVerifier transactions;
    private final List<BatchInspector> inspectors;
    private final Executor inspection;

    /** A handler without batch inspectors. */
    public ProduceHandler(TopicRegistry topics, TransactionVerifier transactions) {
        this(topics, transactions, List.of(), Runnable::run);
    }

    /**
     * A handler running {@code inspectors} (in order; empty for none) on {@code inspection}, an executor whose
     * threads may block and are not event loops.
     */
    public ProduceHandler(TopicRegistry topics, TransactionVerifier transactions, List<BatchInspector> inspectors,
                          Executor inspection) {
        this.resolver = new PartitionResolver(topics);
        this.transactions = transactions;
        this.inspectors = List.copyOf(inspectors);
        this.inspection = inspection;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        ProduceRequestData req = request.body(ProduceRequest.class).data();
        short acks = req.acks();
        if (acks != 0 && acks != 1 && acks != -1) {
            ProduceResponseData data = new ProduceResponseData();
            for (ProduceRequestData.TopicProduceData t : req.topicData()) {
                TopicProduceResponse tr = topicResponse(t, data);
                for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                    tr.partitionResponses().add(failed(p.index(), Errors.INVALID_REQUIRED_ACKS, "acks must be -1, 0 or 1, got " + acks));
                }
            }
            return ApiHandler.done(new ProduceResponse(data));
        }
        if (!inspectors.isEmpty() && anyInspected(req, request.version() >= 13)) {
            return CompletableFuture.supplyAsync(() -> produce(request), inspection).thenCompose(f -> f);
        }
        return produce(request);
    }

    private boolean anyInspected(ProduceRequestData req, boolean byId) {
        for (ProduceRequestData.TopicProduceData t : req.topicData()) {
            PartitionResolver.Resolved topic = resolver.topic(byId, t.name(), t.topicId());
            for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                PartitionLog log = topic.partition(p.index());
                if (log != null && applying(log.topicPartition()) != null) return true;
            }
        }
        return false;
    }

    private CompletableFuture<AbstractResponse> produce(KafkaRequest request) {
        ProduceRequestData req = request.body(ProduceRequest.class).data();
        short acks = req.acks();
        boolean byId = request.version() >= 13;
        ProduceResponseData data = new ProduceResponseData();
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (ProduceRequestData.TopicProduceData t : req.topicData()) {
            TopicProduceResponse tr = topicResponse(t, data);
            PartitionResolver.Resolved topic = resolver.topic(byId, t.name(), t.topicId());
            for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                PartitionLog log = topic.partition(p.index());
                if (log == null) {
                    tr.partitionResponses().add(failed(p.index(), topic.partitionError(p.index()), null));
                    continue;
                }
                PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(p.index());
                tr.partitionResponses().add(pr);
                if (!(p.records() instanceof MemoryRecords)) {
                    fail(pr, new InvalidRecordException("partition " + p.index() + " has no record batch"));
                    continue;
                }
                try {
                    ProduceRequest.validateRecords(request.version(), p.records());
                    produce(log, (MemoryRecords) p.records(), req.transactionalId(), request.version(), acks, pr, waits);
                } catch (ApiException e) {
                    fail(pr, e);
                }
            }
        }
        if (acks == 0) return ApiHandler.done(null);
        if (waits.isEmpty()) return ApiHandler.done(new ProduceResponse(data));
        return CompletableFuture.allOf(waits.toArray(new CompletableFuture[0])).thenApply(v -> new ProduceResponse(data));
    }

    /** Validate, inspect and commit one partition's batch; answers into {@code pr}, or throws its error. */
    private void produce(PartitionLog log, MemoryRecords records, String transactionalId, short version, short acks,
                         PartitionProduceResponse pr, List<CompletableFuture<Void>> waits) {
        RecordBatch first = records.firstBatch();
        boolean transactional = first != null && first.isTransactional();
        if (transactional && transactionalId == null) {
            throw new TransactionalIdAuthorizationException("a transactional record batch needs the request's transactional id");
        }
        // Validate: no lock. The inspectors' records are collected only when one applies.
        List<BatchInspector> applying = inspectors.isEmpty() ? null : applying(log.topicPartition());
        List<Record> decoded = applying == null ? null : new ArrayList<>();
        ValidatedBatch validated = null;
        ApiException invalid = null;
        try {
            validated = decoded == null ? log.validate(records) : log.validate(records, (i, r) -> decoded.add(r));
        } catch (ApiException e) {
            if (!transactional) throw e;
            invalid = e; // the transaction check's error comes first
        }
        BatchInspector.Verdict verdict = validated != null && decoded != null
                ? inspect(applying, log.topicPartition(), validated.batch(), decoded)
                : BatchInspector.Verdict.ACCEPT;

        // Commit: short, under the log's lock (and, for a transaction, the verifier's).
        AppendResult a;
        if (!transactional) {
            a = verdict == BatchInspector.Verdict.ACCEPT ? log.append(validated) : null;
        } else {
            a = commitTransactional(log, validated, invalid, verdict, transactionalId, first, version);
        }
        if (verdict != BatchInspector.Verdict.ACCEPT) {
            answerVerdict(verdict, decoded, acks, pr, waits);
            return;
        }
        pr.setBaseOffset(a.baseOffset()).setLogAppendTimeMs(a.logAppendTimeMs()).setLogStartOffset(a.logStartOffset());
        if (acks != 0) waits.add(durable(log, a, pr));
    }

    private AppendResult commitTransactional(PartitionLog log, ValidatedBatch validated, ApiException invalid,
                                             BatchInspector.Verdict verdict, String transactionalId, RecordBatch batch,
                                             short version) {
        AppendResult[] result = new AppendResult[1];
        try {
            transactions.appendIfInTransaction(transactionalId, batch.producerId(), batch.producerEpoch(),
                    log.topicPartition(), () -> {
                        if (invalid != null) throw invalid;
                        if (verdict == BatchInspector.Verdict.ACCEPT) result[0] = log.append(validated);
                    });
        } catch (TransactionAbortableException e) {
            if (version < TRANSACTION_ABORTABLE_MIN_VERSION) throw new InvalidTxnStateException(e.getMessage());
            throw e;
        }
        return result[0];
    }

    /** The inspectors of {@code inspectors} that apply to {@code tp}, or null when none does. */
    private List<BatchInspector> applying(TopicPartition tp) {
        List<BatchInspector> out = null;
        for (BatchInspector i : inspectors) {
            if (!i.appliesTo(tp)) continue;
            if (out == null) out = new ArrayList<>(inspectors.size());
            out.add(i);
        }
        return out;
    }

    private static BatchInspector.Verdict inspect(List<BatchInspector> applying, TopicPartition tp, RecordBatch batch,
                                                  List<Record> records) {
        assert io.netty.util.internal.ThreadExecutorMap.currentExecutor() == null : "batch inspection on an event loop";
        for (BatchInspector i : applying) {
            BatchInspector.Verdict v;
            try {
                v = i.inspect(tp, batch, records);
            } catch (RuntimeException e) {
                throw new UnknownServerException("batch inspector " + i.getClass().getName() + " failed on " + tp + ": " + e, e);
            }
            if (v == null) throw new UnknownServerException("batch inspector " + i.getClass().getName() + " gave no verdict on " + tp);
            if (v != BatchInspector.Verdict.ACCEPT) return v;
        }
        return BatchInspector.Verdict.ACCEPT;
    }

    /** Answers a batch an inspector refused or rerouted (see {@link BatchInspector} for what the producer sees). */
    private void answerVerdict(BatchInspector.Verdict verdict, List<Record> decoded, short acks, PartitionProduceResponse pr,
                               List<CompletableFuture<Void>> waits) {
        if (verdict instanceof BatchInspector.Reject reject) {
            List<ProduceResponse.RecordError> errors = new ArrayList<>(reject.errors().size());
            for (BatchInspector.RecordError e : reject.errors()) errors.add(new ProduceResponse.RecordError(e.batchIndex(), e.message()));
            rejected(pr, errors);
            return;
        }
        BatchInspector.Reroute reroute = (BatchInspector.Reroute) verdict;
        PartitionLog target = resolver.partition(reroute.topic(), reroute.partition());
        if (target == null) {
            throw new UnknownTopicOrPartitionException("reroute target " + reroute.topic() + "-" + reroute.partition()
                    + " does not exist; nothing was stored");
        }
        SimpleRecord[] moved = new SimpleRecord[reroute.batchIndexes().size()];
        for (int i = 0; i < moved.length; i++) {
            int index = reroute.batchIndexes().get(i);
            if (index < 0 || index >= decoded.size()) {
                throw new UnknownServerException("batch inspector rerouted record " + index + " of a batch of " + decoded.size());
            }
            moved[i] = new SimpleRecord(decoded.get(index));
        }
        AppendResult a = target.append(MemoryRecords.withRecords(Compression.NONE, moved));
        List<ProduceResponse.RecordError> errors = new ArrayList<>(moved.length);
        for (int i = 0; i < moved.length; i++) {
            errors.add(new ProduceResponse.RecordError(reroute.batchIndexes().get(i),
                    "rerouted to " + target.topicPartition() + " at offset " + (a.baseOffset() + i)));
        }
        rejected(pr, errors);
        if (acks != 0) waits.add(durable(target, a, pr));
    }

    /** INVALID_RECORD with record errors and the message Kafka's LogValidator gives them. */
    private static void rejected(PartitionProduceResponse pr, List<ProduceResponse.RecordError> errors) {
        List<BatchIndexAndErrorMessage> out = new ArrayList<>(errors.size());
        for (ProduceResponse.RecordError e : errors) {
            out.add(new BatchIndexAndErrorMessage().setBatchIndex(e.batchIndex).setBatchIndexErrorMessage(e.message));
        }
        fail(pr, new InvalidRecordException("One or more records have been rejected due to " + errors.size()
                + " record errors in total, and only showing the first three errors at most: "
                + errors.subList(0, Math.min(errors.size(), 3))));
        pr.setRecordErrors(out);
    }

    private static CompletableFuture<Void> durable(PartitionLog log, AppendResult a, PartitionProduceResponse pr) {
        return log.durable(a.lastOffset()).handle((ok, err) -> {
            if (err != null) {
                fail(pr, unwrap(err));
                pr.setRecordErrors(new ArrayList<>());
            }
            return null;
        });
    }

    private static TopicProduceResponse topicResponse(ProduceRequestData.TopicProduceData t, ProduceResponseData data) {
        TopicProduceResponse tr = new TopicProduceResponse().setName(t.name()).setTopicId(t.topicId() == null ? Uuid.ZERO_UUID : t.topicId());
        data.responses().add(tr);
        return tr;
    }

    private static PartitionProduceResponse failed(int index, Errors error, String message) {
        return new PartitionProduceResponse().setIndex(index).setErrorCode(error.code())
                .setErrorMessage(message != null ? message : error.message())
                .setBaseOffset(ProduceResponse.INVALID_OFFSET).setLogAppendTimeMs(-1).setLogStartOffset(-1);
    }

    private static void fail(PartitionProduceResponse pr, Throwable e) {
        Errors error = Errors.forException(e);
        pr.setErrorCode(error.code()).setErrorMessage(e.getMessage())
                .setBaseOffset(ProduceResponse.INVALID_OFFSET).setLogAppendTimeMs(-1).setLogStartOffset(-1);
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}

package io.ledgerline.broker.txn;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.log.AppendResult;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * WriteTxnMarkers: appends a COMMIT or ABORT marker for a producer to each partition named. In Apache Kafka the
 * transaction coordinator sends it to the partitions' leaders; Ledgerline's coordinator writes its markers
 * itself, so here it serves {@code Admin.abortTransaction} ({@code kafka-transactions abort}): an operator ending a
 * hanging transaction, one whose records are in a partition with no marker and that no coordinator will finish.
 *
 * <p>Answers as Kafka's broker: a partition that does not exist is UNKNOWN_TOPIC_OR_PARTITION; the partition log
 * checks the marker ({@link PartitionLog#appendMarker(long, short, ControlRecordType, int, short)}: an older
 * producer epoch is INVALID_PRODUCER_EPOCH, an older coordinator epoch than the producer's last marker there
 * TRANSACTION_COORDINATOR_FENCED); a producer with no open transaction there gets its marker stored and NONE,
 * which changes nothing. Each marker is answered once it is durable (group commit), as every append. A marker
 * without partitions gets no entry in the response, and markers of one producer share one entry, as in Kafka.
 *
 * <p>Refusals Kafka does not make, all INVALID_REQUEST, because the marker could only do harm: no producer id
 * (-1: a control batch of nobody), a negative producer epoch (no batch can carry it; found by the fuzzer, it was an
 * unexpected error), and a coordinator epoch above this broker's coordinator's own ({@value
 * TransactionCoordinator#COORDINATOR_EPOCH}, which never changes): stored, it would fence every later marker the
 * coordinator writes for that producer there, leaving its next transactions undecided for ever. A partition named
 * twice in one marker gets one marker (Kafka would never answer such a request).
 */
public final class WriteTxnMarkersHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(WriteTxnMarkersHandler.class);

    private final PartitionResolver resolver;

    public WriteTxnMarkersHandler(TopicRegistry topics) {
        this.resolver = new PartitionResolver(topics);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        Map<Long, Map<TopicPartition, CompletableFuture<Errors>>> results = new LinkedHashMap<>();
        List<CompletableFuture<Errors>> all = new ArrayList<>();
        for (WritableTxnMarker marker : request.body(WriteTxnMarkersRequest.class).data().markers()) {
            Set<TopicPartition> partitions = new LinkedHashSet<>();
            for (WritableTxnMarkerTopic t : marker.topics()) {
                for (int p : t.partitionIndexes()) partitions.add(new TopicPartition(t.name(), p));
            }
            if (partitions.isEmpty()) continue;
            Map<TopicPartition, CompletableFuture<Errors>> byPartition =
                    results.computeIfAbsent(marker.producerId(), id -> new LinkedHashMap<>());
            for (TopicPartition tp : partitions) {
                CompletableFuture<Errors> f = write(marker, tp);
                byPartition.put(tp, f);
                all.add(f);
            }
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).thenApply(v -> {
            Map<Long, Map<TopicPartition, Errors>> errors = new LinkedHashMap<>();
            results.forEach((producerId, byPartition) -> {
                Map<TopicPartition, Errors> m = new LinkedHashMap<>();
                byPartition.forEach((tp, f) -> m.put(tp, f.join()));
                errors.put(producerId, m);
            });
            return new WriteTxnMarkersResponse(errors);
        });
    }

    /** Appends {@code marker}'s marker to {@code tp}; completes with the partition's error once durable. */
    private CompletableFuture<Errors> write(WritableTxnMarker marker, TopicPartition tp) {
        PartitionLog partition = resolver.partition(tp);
        if (partition == null) return CompletableFuture.completedFuture(resolver.partitionError(tp));
        if (marker.producerId() < 0 || marker.producerEpoch() < 0 || marker.coordinatorEpoch() > TransactionCoordinator.COORDINATOR_EPOCH) {
            log.warn("{}: WriteTxnMarkers refused: producer id {}, epoch {}, coordinator epoch {} (this broker's coordinator epoch is {})",
                    tp, marker.producerId(), marker.producerEpoch(), marker.coordinatorEpoch(), TransactionCoordinator.COORDINATOR_EPOCH);
            return CompletableFuture.completedFuture(Errors.INVALID_REQUEST);
        }
        ControlRecordType type = marker.transactionResult() ? ControlRecordType.COMMIT : ControlRecordType.ABORT;
        AppendResult appended;
        try {
            appended = partition.appendMarker(marker.producerId(), marker.producerEpoch(), type, marker.coordinatorEpoch(),
                    marker.transactionVersion());
        } catch (ApiException e) {
            log.info("{}: WriteTxnMarkers: {} marker of producer {} epoch {} refused: {}", tp, type, marker.producerId(),
                    marker.producerEpoch(), e.getMessage());
            return CompletableFuture.completedFuture(Errors.forException(e));
        }
        log.info("{}: WriteTxnMarkers: {} marker of producer {} epoch {} (coordinator epoch {}) written at offset {}", tp, type,
                marker.producerId(), marker.producerEpoch(), marker.coordinatorEpoch(), appended.lastOffset());
        return partition.durable(appended.lastOffset()).handle((v, err) -> {
            if (err == null) return Errors.NONE;
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            return Errors.forException(cause);
        });
    }
}

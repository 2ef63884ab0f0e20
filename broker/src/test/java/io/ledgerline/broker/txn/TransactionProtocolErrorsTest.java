package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.AbortedTxn;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.AddOffsetsToTxnResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.requests.ListTransactionsResponse;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transaction APIs on the wire, for what the official producer never sends: each misuse gets the error
 * code Apache Kafka's coordinator gives it, and a retry of a finished step is answered as a retry.
 */
class TransactionProtocolErrorsTest {
    @TempDir
    static Path dir;
    static Broker broker;
    static RawClient client;

    @BeforeAll
    static void start() throws IOException {
        broker = TestBroker.start(dir, Map.of("transaction.max.timeout.ms", "60000")).broker();
        broker.topics().create("wire", 2, Map.of());
        client = new RawClient(broker);
    }

    @AfterAll
    static void stop() throws IOException {
        client.close();
        broker.close();
    }

    static InitProducerIdResponse init(String id, int timeoutMs, long pid, short epoch) throws IOException {
        return init(id, timeoutMs, pid, epoch, 5);
    }

    static InitProducerIdResponse init(String id, int timeoutMs, long pid, short epoch, int version) throws IOException {
        return (InitProducerIdResponse) client.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(id).setTransactionTimeoutMs(timeoutMs).setProducerId(pid).setProducerEpoch(epoch))
                .build((short) version));
    }

    static Errors add(String id, long pid, short epoch, TopicPartition... tps) throws IOException {
        return add(3, id, pid, epoch, tps);
    }

    static Errors add(int version, String id, long pid, short epoch, TopicPartition... tps) throws IOException {
        AddPartitionsToTxnResponse r = (AddPartitionsToTxnResponse) client.send(
                AddPartitionsToTxnRequest.Builder.forClient(id, pid, epoch, List.of(tps)).build((short) version));
        Map<TopicPartition, Errors> errors = r.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID);
        assertThat(errors).containsOnlyKeys(tps);
        return errors.get(tps[0]);
    }

    static Map<TopicPartition, Errors> addAll(String id, long pid, short epoch, TopicPartition... tps) throws IOException {
        AddPartitionsToTxnResponse r = (AddPartitionsToTxnResponse) client.send(
                AddPartitionsToTxnRequest.Builder.forClient(id, pid, epoch, List.of(tps)).build((short) 3));
        return r.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID);
    }

    static Errors end(String id, long pid, short epoch, boolean commit) throws IOException {
        return end(4, id, pid, epoch, commit);
    }

    static Errors end(int version, String id, long pid, short epoch, boolean commit) throws IOException {
        return ((EndTxnResponse) client.send(new EndTxnRequest.Builder(new EndTxnRequestData().setTransactionalId(id)
                .setProducerId(pid).setProducerEpoch(epoch).setCommitted(commit), false).build((short) version))).error();
    }

    static Errors addOffsets(int version, String id, long pid, short epoch, String group) throws IOException {
        return Errors.forCode(((AddOffsetsToTxnResponse) client.send(new AddOffsetsToTxnRequest.Builder(new AddOffsetsToTxnRequestData()
                .setTransactionalId(id).setProducerId(pid).setProducerEpoch(epoch).setGroupId(group)).build((short) version)))
                .data().errorCode());
    }

    static Map<TopicPartition, Errors> verify(String id, long pid, short epoch, TopicPartition... tps) throws IOException {
        AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
        for (TopicPartition tp : tps) {
            AddPartitionsToTxnTopic t = topics.find(tp.topic());
            if (t == null) topics.add(t = new AddPartitionsToTxnTopic().setName(tp.topic()));
            t.partitions().add(tp.partition());
        }
        AddPartitionsToTxnTransactionCollection txns = new AddPartitionsToTxnTransactionCollection();
        txns.add(new AddPartitionsToTxnTransaction().setTransactionalId(id).setProducerId(pid).setProducerEpoch(epoch)
                .setVerifyOnly(true).setTopics(topics));
        AddPartitionsToTxnResponse r = (AddPartitionsToTxnResponse) client.send(AddPartitionsToTxnRequest.Builder.forBroker(txns).build((short) 5));
        return r.errors().get(id);
    }

    @Test
    void initProducerIdBumpsTheEpochAndChecksItsArguments() throws IOException {
        assertThat(init("wire-init", 60_001, -1, (short) -1).error()).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);
        InitProducerIdResponse first = init("wire-init", 1000, -1, (short) -1);
        assertThat(first.error()).isEqualTo(Errors.NONE);
        assertThat(first.data().producerEpoch()).isZero();
        InitProducerIdResponse second = init("wire-init", 1000, -1, (short) -1);
        assertThat(second.data().producerId()).isEqualTo(first.data().producerId());
        assertThat(second.data().producerEpoch()).isEqualTo((short) 1);
        // KIP-360: the holder bumps its own epoch; an older epoch is fenced, and so is another producer id (Kafka's
        // handleInitProducerId: PRODUCER_FENCED, not a mapping error).
        long pid = second.data().producerId();
        InitProducerIdResponse bumped = init("wire-init", 1000, pid, (short) 1);
        assertThat(bumped.data().producerEpoch()).isEqualTo((short) 2);
        assertThat(init("wire-init", 1000, pid, (short) 1).data().producerEpoch()).as("a retry gets the same answer").isEqualTo((short) 2);
        assertThat(init("wire-init", 1000, pid, (short) 0).error()).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(init("wire-init", 1000, pid + 1, (short) 2).error()).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(init("wire-init", 1000, pid + 1, (short) 2, 3).error()).as("v3 does not know PRODUCER_FENCED")
                .isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        // An expected producer id without an epoch, or the reverse: INVALID_REQUEST, also without a transactional id.
        assertThat(init("wire-init", 1000, pid, (short) -1).error()).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(init("wire-init", 1000, -1, (short) 2).error()).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(init(null, 1000, pid, (short) -1).error()).isEqualTo(Errors.INVALID_REQUEST);
        assertThat(broker.transactions().describe("wire-init").epoch()).as("none of these changed anything").isEqualTo((short) 2);
        assertThat(init(null, 1000, pid, (short) 2).data().producerId()).as("an idempotent producer gets a new id")
                .isNotEqualTo(pid);
    }

    @Test
    void aRetriedKip360InitIsAnsweredWithTheCurrentEpochAfterATransactionToo() throws IOException {
        TopicPartition p0 = new TopicPartition("wire", 0);
        long pid = init("wire-retry", 10_000, -1, (short) -1).data().producerId();
        assertThat(init("wire-retry", 10_000, pid, (short) 0).data().producerEpoch()).isEqualTo((short) 1);
        assertThat(add("wire-retry", pid, (short) 1, p0)).isEqualTo(Errors.NONE);
        assertThat(end("wire-retry", pid, (short) 1, true)).isEqualTo(Errors.NONE);
        assertThat(broker.transactions().describe("wire-retry").state()).isEqualTo(TransactionState.COMPLETE_COMMIT);

        // The retry of the bump from epoch 0 (its answer lost): the current epoch, not bumped again (Kafka: in
        // Empty, CompleteCommit and CompleteAbort alike); the id is Empty again, as after any InitProducerId.
        InitProducerIdResponse retry = init("wire-retry", 20_000, pid, (short) 0);
        assertThat(retry.error()).isEqualTo(Errors.NONE);
        assertThat(retry.data().producerId()).isEqualTo(pid);
        assertThat(retry.data().producerEpoch()).isEqualTo((short) 1);
        TxnMetadata m = broker.transactions().describe("wire-retry");
        assertThat(m.state()).isEqualTo(TransactionState.EMPTY);
        assertThat(m.timeoutMs()).isEqualTo(20_000);
        assertThat(init("wire-retry", 10_000, pid, (short) 1).data().producerEpoch()).isEqualTo((short) 2);
    }

    @Test
    void kip360InitWithAStaleEpochAbortsTheOngoingTransactionFirstThenIsFenced() throws IOException {
        TopicPartition p0 = new TopicPartition("wire", 0);
        long pid = init("wire-stale", 10_000, -1, (short) -1).data().producerId();
        short live = init("wire-stale", 10_000, -1, (short) -1).data().producerEpoch(); // a new instance: epoch 1
        assertThat(add("wire-stale", pid, live, p0)).isEqualTo(Errors.NONE);

        // A zombie at epoch 0: Kafka fences the ongoing transaction (aborted, epoch bumped) before it looks at the
        // expected epoch, so the live producer loses its transaction, then the zombie is fenced.
        assertThat(init("wire-stale", 10_000, pid, (short) 0).error()).isEqualTo(Errors.PRODUCER_FENCED);
        TxnMetadata m = broker.transactions().describe("wire-stale");
        assertThat(m.state()).isEqualTo(TransactionState.COMPLETE_ABORT);
        assertThat(m.epoch()).isEqualTo((short) (live + 1));
        assertThat(end("wire-stale", pid, live, true)).isEqualTo(Errors.PRODUCER_FENCED);
    }

    /** PRODUCER_FENCED is unknown before AddPartitionsToTxn/AddOffsetsToTxn/EndTxn v2: INVALID_PRODUCER_EPOCH there, as Kafka's KafkaApis. */
    @Test
    void versionsBeforeProducerFencedGetInvalidProducerEpoch() throws IOException {
        TopicPartition p0 = new TopicPartition("wire", 0);
        InitProducerIdResponse r = init("wire-old-clients", 10_000, -1, (short) -1);
        long pid = r.data().producerId();
        short fenced = (short) (r.data().producerEpoch() + 1);
        for (int v = 0; v <= 4; v++) {
            Errors expected = v < 2 ? Errors.INVALID_PRODUCER_EPOCH : Errors.PRODUCER_FENCED;
            if (v <= 3) assertThat(add(v, "wire-old-clients", pid, fenced, p0)).as("AddPartitionsToTxn v%d", v).isEqualTo(expected);
            assertThat(addOffsets(v, "wire-old-clients", pid, fenced, "g-old")).as("AddOffsetsToTxn v%d", v).isEqualTo(expected);
            assertThat(end(v, "wire-old-clients", pid, fenced, true)).as("EndTxn v%d", v).isEqualTo(expected);
        }
    }

    @Test
    void addPartitionsAndEndTxnAnswerLikeKafkasCoordinator() throws IOException {
        TopicPartition p0 = new TopicPartition("wire", 0);
        TopicPartition p1 = new TopicPartition("wire", 1);
        InitProducerIdResponse r = init("wire-txn", 10_000, -1, (short) -1);
        long pid = r.data().producerId();
        short epoch = r.data().producerEpoch();

        assertThat(add("nobody", pid, epoch, p0)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(add("wire-txn", pid + 1, epoch, p0)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(add("wire-txn", pid, (short) (epoch + 1), p0)).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(addAll("wire-txn", pid, epoch, p0, new TopicPartition("no-such-topic", 0)))
                .containsEntry(p0, Errors.OPERATION_NOT_ATTEMPTED)
                .containsEntry(new TopicPartition("no-such-topic", 0), Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(end("wire-txn", pid, epoch, true)).as("nothing ongoing").isEqualTo(Errors.INVALID_TXN_STATE);

        assertThat(add("wire-txn", pid, epoch, p0)).isEqualTo(Errors.NONE);
        assertThat(add("wire-txn", pid, epoch, p0)).as("already added").isEqualTo(Errors.NONE);
        assertThat(verify("wire-txn", pid, epoch, p0, p1)).containsEntry(p0, Errors.NONE).containsEntry(p1, Errors.TRANSACTION_ABORTABLE);
        assertThat(verify("wire-txn", pid, (short) (epoch + 1), p0)).containsEntry(p0, Errors.PRODUCER_FENCED);
        assertThat(((AddOffsetsToTxnResponse) client.send(new AddOffsetsToTxnRequest.Builder(new AddOffsetsToTxnRequestData()
                .setTransactionalId("wire-txn").setProducerId(pid).setProducerEpoch(epoch).setGroupId("g")).build((short) 4)))
                .data().errorCode()).isZero();
        assertThat(broker.transactions().describe("wire-txn").groups()).containsExactly("g");

        assertThat(end("wire-txn", pid, (short) (epoch + 1), true)).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(end("wire-txn", pid, epoch, true)).isEqualTo(Errors.NONE);
        assertThat(end("wire-txn", pid, epoch, true)).as("a retried commit").isEqualTo(Errors.NONE);
        assertThat(end("wire-txn", pid, epoch, false)).as("abort after commit").isEqualTo(Errors.INVALID_TXN_STATE);
        var wire0 = broker.topics().partition("wire", 0);
        assertThat(wire0.lastStableOffset()).as("the commit marker is durable").isEqualTo(wire0.logEndOffset()).isPositive();

        ListTransactionsResponse listed = (ListTransactionsResponse) client.send(new ListTransactionsRequest.Builder(
                new ListTransactionsRequestData().setStateFilters(List.of("CompleteCommit", "Bogus"))).build((short) 1));
        assertThat(listed.data().transactionStates()).anyMatch(s -> s.transactionalId().equals("wire-txn"))
                .allMatch(s -> s.transactionState().equals("CompleteCommit"));
        assertThat(listed.data().unknownStateFilters()).containsExactly("Bogus");
        ListTransactionsResponse byPattern = (ListTransactionsResponse) client.send(new ListTransactionsRequest.Builder(
                new ListTransactionsRequestData().setTransactionalIdPattern("wire-t.*")).build((short) 2));
        assertThat(byPattern.data().transactionStates()).extracting(s -> s.transactionalId()).containsExactly("wire-txn");
        ListTransactionsResponse badPattern = (ListTransactionsResponse) client.send(new ListTransactionsRequest.Builder(
                new ListTransactionsRequestData().setTransactionalIdPattern("(unclosed")).build((short) 2));
        assertThat(badPattern.data().errorCode()).isEqualTo(Errors.INVALID_REGULAR_EXPRESSION.code());
    }

    static Errors txnOffsetCommit(String id, long pid, short epoch, String group, long offset) throws IOException {
        TxnOffsetCommitRequestData d = new TxnOffsetCommitRequestData().setTransactionalId(id).setGroupId(group)
                .setProducerId(pid).setProducerEpoch(epoch).setGenerationIdOrMemberEpoch(-1).setMemberId("")
                .setTopics(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName("wire")
                        .setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(offset)))));
        TxnOffsetCommitResponse r = (TxnOffsetCommitResponse) client.send(TxnOffsetCommitRequest.Builder.forTopicNames(d, false).build((short) 3));
        return Errors.forCode(r.data().topics().get(0).partitions().get(0).errorCode());
    }

    /** OffsetFetch v8 of wire-0: [error code, committed offset]. */
    static long[] fetchOffset(String group, boolean requireStable) throws IOException {
        OffsetFetchRequestData d = new OffsetFetchRequestData().setRequireStable(requireStable).setGroups(List.of(
                new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(group).setTopics(List.of(
                        new OffsetFetchRequestData.OffsetFetchRequestTopics().setName("wire").setPartitionIndexes(List.of(0))))));
        OffsetFetchResponse r = (OffsetFetchResponse) client.send(OffsetFetchRequest.Builder.forTopicNames(d, false).build((short) 8));
        var p = r.data().groups().get(0).topics().get(0).partitions().get(0);
        return new long[] {p.errorCode(), p.committedOffset()};
    }

    @Test
    void transactionalOffsetsArePendingUntilTheCommitAndDroppedByAnAbort() throws IOException {
        TopicPartition p0 = new TopicPartition("wire", 0);
        InitProducerIdResponse r = init("wire-offsets", 10_000, -1, (short) -1);
        long pid = r.data().producerId();
        short epoch = r.data().producerEpoch();
        assertThat(txnOffsetCommit("wire-offsets", pid, epoch, "g-off", 5)).as("group not added").isEqualTo(Errors.INVALID_TXN_STATE);

        assertThat(add("wire-offsets", pid, epoch, p0)).isEqualTo(Errors.NONE);
        assertThat(((AddOffsetsToTxnResponse) client.send(new AddOffsetsToTxnRequest.Builder(new AddOffsetsToTxnRequestData()
                .setTransactionalId("wire-offsets").setProducerId(pid).setProducerEpoch(epoch).setGroupId("g-off")).build((short) 3)))
                .data().errorCode()).isZero();
        assertThat(txnOffsetCommit("wire-offsets", pid, (short) (epoch + 1), "g-off", 5)).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(txnOffsetCommit("wire-offsets", pid, epoch, "g-off", 5)).isEqualTo(Errors.NONE);
        assertThat(fetchOffset("g-off", true)).containsExactly(Errors.UNSTABLE_OFFSET_COMMIT.code(), -1);
        assertThat(fetchOffset("g-off", false)).as("not committed yet").containsExactly(0, -1);
        assertThat(end("wire-offsets", pid, epoch, true)).isEqualTo(Errors.NONE);
        assertThat(fetchOffset("g-off", true)).containsExactly(0, 5);

        assertThat(add("wire-offsets", pid, epoch, p0)).isEqualTo(Errors.NONE);
        client.send(new AddOffsetsToTxnRequest.Builder(new AddOffsetsToTxnRequestData().setTransactionalId("wire-offsets")
                .setProducerId(pid).setProducerEpoch(epoch).setGroupId("g-off")).build((short) 3));
        assertThat(txnOffsetCommit("wire-offsets", pid, epoch, "g-off", 9)).isEqualTo(Errors.NONE);
        assertThat(end("wire-offsets", pid, epoch, false)).isEqualTo(Errors.NONE);
        assertThat(fetchOffset("g-off", true)).as("the abort dropped offset 9").containsExactly(0, 5);
    }

    static WritableTxnMarker marker(long pid, short epoch, int coordinatorEpoch, boolean commit, TopicPartition... tps) {
        WritableTxnMarker m = new WritableTxnMarker().setProducerId(pid).setProducerEpoch(epoch)
                .setCoordinatorEpoch(coordinatorEpoch).setTransactionResult(commit);
        for (TopicPartition tp : tps) {
            WritableTxnMarkerTopic t = m.topics().stream().filter(x -> x.name().equals(tp.topic())).findFirst().orElse(null);
            if (t == null) m.topics().add(t = new WritableTxnMarkerTopic().setName(tp.topic()).setPartitionIndexes(new ArrayList<>()));
            t.partitionIndexes().add(tp.partition());
        }
        return m;
    }

    static Map<Long, Map<TopicPartition, Errors>> writeMarkers(int version, WritableTxnMarker... markers) throws IOException {
        WriteTxnMarkersRequestData d = new WriteTxnMarkersRequestData().setMarkers(new ArrayList<>(List.of(markers)));
        return ((WriteTxnMarkersResponse) client.send(new WriteTxnMarkersRequest.Builder(d).build((short) version))).errorsByProducerId();
    }

    /** The error of a one-marker, one-partition WriteTxnMarkers. */
    static Errors writeMarker(int version, WritableTxnMarker marker) throws IOException {
        Map<Long, Map<TopicPartition, Errors>> r = writeMarkers(version, marker);
        assertThat(r).containsOnlyKeys(marker.producerId());
        assertThat(r.get(marker.producerId())).hasSize(1);
        return r.get(marker.producerId()).values().iterator().next();
    }

    /** A durable transactional batch of {@code pid}, as a producer no coordinator knows would leave it; its offset. */
    static long openTransaction(PartitionLog log, long pid, short epoch, int seq) throws ExecutionException, InterruptedException {
        var a = log.append(MemoryRecords.withTransactionalRecords(Compression.NONE, pid, epoch, seq,
                new SimpleRecord(1L, null, "v".getBytes(StandardCharsets.UTF_8))));
        log.durable(a.lastOffset()).get();
        return a.baseOffset();
    }

    @Test
    void writeTxnMarkersAnswersLikeKafkasBrokerAndIsDurableWhenAnswered() throws Exception {
        broker.topics().create("markers", 2, Map.of());
        TopicPartition m0 = new TopicPartition("markers", 0);
        TopicPartition m1 = new TopicPartition("markers", 1);
        PartitionLog log0 = broker.topics().partition("markers", 0);
        long pid = 900_001;
        short epoch = 3;
        long first = openTransaction(log0, pid, epoch, 0);
        assertThat(log0.lastStableOffset()).isEqualTo(first);

        for (int version = 1; version <= 2; version++) {
            assertThat(writeMarkers(version, marker(pid, epoch, 0, false, new TopicPartition("no-such-topic", 0),
                    new TopicPartition("markers", 2), new TopicPartition("markers", -1))).get(pid))
                    .as("v%d", version).hasSize(3).containsValue(Errors.UNKNOWN_TOPIC_OR_PARTITION).doesNotContainValue(Errors.NONE);
        }
        long end = log0.logEndOffset();
        assertThat(writeMarker(1, marker(pid, (short) (epoch - 1), 0, false, m0))).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        // Transaction version 2 (WriteTxnMarkers v2) bumps the epoch for every marker: the same one is stale.
        assertThat(writeMarker(2, marker(pid, epoch, 0, false, m0).setTransactionVersion((byte) 2))).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(writeMarker(1, marker(-1, epoch, 0, false, m0))).as("no producer id").isEqualTo(Errors.INVALID_REQUEST);
        assertThat(writeMarker(1, marker(pid, (short) -1, 0, false, m0))).as("a negative producer epoch").isEqualTo(Errors.INVALID_REQUEST);
        assertThat(writeMarker(1, marker(pid, epoch, TransactionCoordinator.COORDINATOR_EPOCH + 1, false, m0)))
                .as("a coordinator epoch this broker never had").isEqualTo(Errors.INVALID_REQUEST);
        assertThat(log0.logEndOffset()).as("nothing written").isEqualTo(end);
        assertThat(log0.lastStableOffset()).isEqualTo(first);

        // The abort: durable when answered, the last stable offset moves on, the aborted index has it.
        assertThat(writeMarker(1, marker(pid, epoch, 0, false, m0))).isEqualTo(Errors.NONE);
        assertThat(log0.logEndOffset()).isEqualTo(end + 1);
        assertThat(log0.highWatermark()).as("on disk when answered (WriteTxnMarkersDurabilityTest)").isEqualTo(end + 1);
        assertThat(log0.lastStableOffset()).isEqualTo(end + 1);
        List<AbortedTxn> aborted = log0.read(first, 1 << 20, true, IsolationLevel.READ_COMMITTED).abortedTransactions();
        assertThat(aborted).containsExactly(new AbortedTxn(pid, first, end, end + 1));

        // No open transaction there: Kafka stores the marker and answers NONE; it decides nothing.
        assertThat(writeMarker(2, marker(pid, epoch, 0, true, m0))).isEqualTo(Errors.NONE);
        assertThat(log0.logEndOffset()).isEqualTo(end + 2);
        assertThat(log0.read(first, 1 << 20, true, IsolationLevel.READ_COMMITTED).abortedTransactions()).isEqualTo(aborted);

        // A coordinator epoch older than that of the producer's last marker there is fenced.
        long second = openTransaction(log0, pid, epoch, 1);
        assertThat(writeMarker(1, marker(pid, epoch, -1, true, m0))).isEqualTo(Errors.TRANSACTION_COORDINATOR_FENCED);
        assertThat(log0.lastStableOffset()).isEqualTo(second);
        assertThat(writeMarker(1, marker(pid, epoch, 0, true, m0))).as("a commit").isEqualTo(Errors.NONE);
        assertThat(log0.lastStableOffset()).isEqualTo(log0.logEndOffset());

        // Response shape, as Kafka's: markers of one producer share an entry, a marker without partitions has
        // none, a partition named twice in a marker gets one marker.
        PartitionLog log1 = broker.topics().partition("markers", 1);
        long end1 = log1.logEndOffset();
        Map<Long, Map<TopicPartition, Errors>> shaped = writeMarkers(2, marker(7, (short) 0, 0, false, m1, m1),
                marker(7, (short) 0, 0, false, m0), marker(8, (short) 0, 0, false));
        assertThat(shaped).containsOnlyKeys(7L);
        assertThat(shaped.get(7L)).containsEntry(m0, Errors.NONE).containsEntry(m1, Errors.NONE).hasSize(2);
        assertThat(log1.logEndOffset()).isEqualTo(end1 + 1);
        assertThat(writeMarkers(1)).isEmpty();
    }
}

package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.RawClient;
import io.ledgerline.broker.config.BrokerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
        broker = Broker.start(BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0",
                "transaction.max.timeout.ms", "60000")));
        broker.topics().create("wire", 2, Map.of());
        client = new RawClient(broker);
    }

    @AfterAll
    static void stop() throws IOException {
        client.close();
        broker.close();
    }

    static InitProducerIdResponse init(String id, int timeoutMs, long pid, short epoch) throws IOException {
        return (InitProducerIdResponse) client.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(id).setTransactionTimeoutMs(timeoutMs).setProducerId(pid).setProducerEpoch(epoch)).build((short) 5));
    }

    static Errors add(String id, long pid, short epoch, TopicPartition... tps) throws IOException {
        AddPartitionsToTxnResponse r = (AddPartitionsToTxnResponse) client.send(
                AddPartitionsToTxnRequest.Builder.forClient(id, pid, epoch, List.of(tps)).build((short) 3));
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
        return ((EndTxnResponse) client.send(new EndTxnRequest.Builder(new EndTxnRequestData().setTransactionalId(id)
                .setProducerId(pid).setProducerEpoch(epoch).setCommitted(commit), false).build((short) 4))).error();
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
        // KIP-360: the holder bumps its own epoch; an older epoch is fenced; another id is a mapping error.
        long pid = second.data().producerId();
        InitProducerIdResponse bumped = init("wire-init", 1000, pid, (short) 1);
        assertThat(bumped.data().producerEpoch()).isEqualTo((short) 2);
        assertThat(init("wire-init", 1000, pid, (short) 1).data().producerEpoch()).as("a retry gets the same answer").isEqualTo((short) 2);
        assertThat(init("wire-init", 1000, pid, (short) 0).error()).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(init("wire-init", 1000, pid + 1, (short) 2).error()).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
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
}

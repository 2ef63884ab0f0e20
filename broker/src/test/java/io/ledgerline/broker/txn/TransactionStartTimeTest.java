package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.requests.DescribeTransactionsResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.requests.ListTransactionsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transaction's start time on the wire, with the broker's clock held by the test: DescribeTransactions keeps it
 * once the transaction completed and across a restart (replay), until the next InitProducerId, as Kafka does; and
 * ListTransactions' duration filter measures from it as Kafka's does (any state; one exactly that old is left out).
 */
class TransactionStartTimeTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition P0 = new TopicPartition("times", 0);

    @TempDir
    Path dir;
    final AtomicLong clock = new AtomicLong(T0);
    Broker broker;
    RawClient client;

    @BeforeEach
    void start() throws IOException {
        broker = TestBroker.over(dir).clock(clock::get).start().broker();
        if (broker.topics().partition(P0.topic(), P0.partition()) == null) broker.topics().create(P0.topic(), 1, Map.of());
        client = new RawClient(broker);
    }

    @AfterEach
    void stop() throws IOException {
        if (client != null) client.close();
        if (broker != null) broker.close();
    }

    /** A restart: the coordinator's state is rebuilt by replaying __ledgerline_transactions. */
    private void restart() throws IOException {
        stop();
        start();
    }

    /** InitProducerId for {@code id}: its producer id (epoch 0). */
    private long init(String id) throws IOException {
        InitProducerIdResponse r = (InitProducerIdResponse) client.send(new InitProducerIdRequest.Builder(
                new InitProducerIdRequestData().setTransactionalId(id).setTransactionTimeoutMs(60_000)).build((short) 5));
        assertThat(r.error()).isEqualTo(Errors.NONE);
        return r.data().producerId();
    }

    private void begin(String id, long pid) throws IOException {
        AddPartitionsToTxnResponse r = (AddPartitionsToTxnResponse) client.send(
                AddPartitionsToTxnRequest.Builder.forClient(id, pid, (short) 0, List.of(P0)).build((short) 3));
        assertThat(r.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID)).containsEntry(P0, Errors.NONE);
    }

    private Errors end(String id, long pid, boolean commit) throws IOException {
        return ((EndTxnResponse) client.send(new EndTxnRequest.Builder(new EndTxnRequestData().setTransactionalId(id)
                .setProducerId(pid).setProducerEpoch((short) 0).setCommitted(commit), false).build((short) 4))).error();
    }

    /** A whole transaction of {@code id}: begun at {@code startMs}, ended 10 ms later. */
    private void transaction(String id, long pid, long startMs, boolean commit) throws IOException {
        clock.set(startMs);
        begin(id, pid);
        clock.set(startMs + 10);
        assertThat(end(id, pid, commit)).isEqualTo(Errors.NONE);
    }

    private DescribeTransactionsResponseData.TransactionState describe(String id) throws IOException {
        DescribeTransactionsResponse r = (DescribeTransactionsResponse) client.send(new DescribeTransactionsRequest.Builder(
                new DescribeTransactionsRequestData().setTransactionalIds(List.of(id))).build((short) 0));
        return r.data().transactionStates().get(0);
    }

    private ListTransactionsResponse list(ListTransactionsRequestData filters) throws IOException {
        return (ListTransactionsResponse) client.send(new ListTransactionsRequest.Builder(filters).build((short) 1));
    }

    private List<String> listedLongerThan(long durationMs) throws IOException {
        return list(new ListTransactionsRequestData().setDurationFilter(durationMs)).data().transactionStates().stream()
                .map(s -> s.transactionalId()).sorted().toList();
    }

    @Test
    void startTimeStaysOnceTheTransactionCompletedAndAfterARestartUntilTheNextInitProducerId() throws IOException {
        long pid = init("done");
        assertThat(describe("done").transactionState()).isEqualTo("Empty");
        assertThat(describe("done").transactionStartTimeMs()).as("no transaction yet").isEqualTo(-1);

        transaction("done", pid, T0 + 10, true);
        assertThat(describe("done").transactionState()).isEqualTo("CompleteCommit");
        assertThat(describe("done").transactionStartTimeMs()).isEqualTo(T0 + 10);

        transaction("done", pid, T0 + 30, false);
        assertThat(describe("done").transactionState()).isEqualTo("CompleteAbort");
        assertThat(describe("done").transactionStartTimeMs()).isEqualTo(T0 + 30);

        restart();
        assertThat(describe("done").transactionState()).isEqualTo("CompleteAbort");
        assertThat(describe("done").transactionStartTimeMs()).as("replayed").isEqualTo(T0 + 30);

        init("done");
        assertThat(describe("done").transactionState()).isEqualTo("Empty");
        assertThat(describe("done").transactionStartTimeMs()).as("InitProducerId clears it, as Kafka's").isEqualTo(-1);
        assertThat(describe("").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(describe("nobody").errorCode()).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
    }

    @Test
    void durationFilterKeepsWhatStartedLongerAgoThanItInAnyStateAsKafka() throws IOException {
        init("empty"); // no transaction since: no start time
        begin("ongoing", init("ongoing")); // starts at T0
        transaction("committed", init("committed"), T0, true);
        clock.set(T0 + 1000);

        assertThat(listedLongerThan(-1)).containsExactly("committed", "empty", "ongoing");
        assertThat(listedLongerThan(999)).containsExactly("committed", "empty", "ongoing");
        // Exactly that old is not longer than it (Kafka: now - start <= duration is left out). An id with no start
        // time (-1) passes every duration filter in Kafka, and so here.
        assertThat(listedLongerThan(1000)).containsExactly("empty");
        assertThat(listedLongerThan(T0)).containsExactly("empty");
    }

    @Test
    void stateNamesAreKafkasExactly() throws IOException {
        begin("ongoing", init("ongoing"));
        ListTransactionsResponse r = list(new ListTransactionsRequestData()
                .setStateFilters(List.of("Ongoing", "ongoing", "Dead", "PrepareEpochFence", "Bogus")));
        assertThat(r.data().transactionStates()).extracting(s -> s.transactionalId()).containsExactly("ongoing");
        assertThat(r.data().unknownStateFilters()).as("Kafka knows Dead and PrepareEpochFence; names are case-sensitive")
                .containsExactlyInAnyOrder("ongoing", "Bogus");
        assertThat(list(new ListTransactionsRequestData().setStateFilters(List.of("Dead"))).data().transactionStates())
                .as("never shown").isEmpty();
    }
}

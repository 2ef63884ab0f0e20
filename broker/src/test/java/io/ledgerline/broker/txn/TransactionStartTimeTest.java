package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.RawClient;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.log.io.FileOpener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
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
 * A transaction's start time on the wire, with the broker's clock held by the test: ListTransactions' duration
 * filter measures from it as Kafka's does (any state; a transaction exactly that old is left out).
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
        broker = Broker.start(BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0")),
                FileOpener.DEFAULT, clock::get);
        broker.topics().create("times", 1, Map.of());
        client = new RawClient(broker);
    }

    @AfterEach
    void stop() throws IOException {
        if (client != null) client.close();
        if (broker != null) broker.close();
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

    private ListTransactionsResponse list(ListTransactionsRequestData filters) throws IOException {
        return (ListTransactionsResponse) client.send(new ListTransactionsRequest.Builder(filters).build((short) 1));
    }

    private List<String> listedLongerThan(long durationMs) throws IOException {
        return list(new ListTransactionsRequestData().setDurationFilter(durationMs)).data().transactionStates().stream()
                .map(s -> s.transactionalId()).sorted().toList();
    }

    @Test
    void durationFilterKeepsWhatStartedLongerAgoThanItInAnyStateAsKafka() throws IOException {
        init("empty"); // no transaction since: no start time
        begin("ongoing", init("ongoing")); // starts at T0
        clock.set(T0 + 1000);

        assertThat(listedLongerThan(-1)).containsExactly("empty", "ongoing");
        assertThat(listedLongerThan(999)).containsExactly("empty", "ongoing");
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

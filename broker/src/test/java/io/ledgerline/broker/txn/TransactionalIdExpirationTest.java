package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.testkit.ClientProps;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.requests.DescribeTransactionsResponse;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.requests.ListTransactionsResponse;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * transactional.id.expiration.ms: a transactional id with no transaction in progress, idle for that long, is
 * removed with a tombstone in the transaction log, so it stays removed after a restart; an id with a transaction
 * in progress is kept however old; a producer that comes back with an expired id starts over with a new producer
 * id, and the one that held it before is refused.
 */
class TransactionalIdExpirationTest {
    private static final long EXPIRATION_MS = 1500;

    @TempDir
    Path dir;
    Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private Broker start(long expirationMs) throws IOException {
        return TestBroker.start(dir, Map.of("transactional.id.expiration.ms", Long.toString(expirationMs),
                "transaction.remove.expired.transaction.cleanup.interval.ms", "100")).broker();
    }

    private KafkaProducer<String, String> producer(String transactionalId) {
        Properties p = ClientProps.transactionalProducer(broker.advertisedHost() + ":" + broker.port(), transactionalId,
                Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"));
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** DescribeTransactions of one id on the wire: its error code. */
    private Errors describe(RawClient c, String id) throws IOException {
        DescribeTransactionsResponse r = (DescribeTransactionsResponse) c.send(new DescribeTransactionsRequest.Builder(
                new DescribeTransactionsRequestData().setTransactionalIds(List.of(id))).build((short) 0));
        return Errors.forCode(r.data().transactionStates().get(0).errorCode());
    }

    private List<String> listed(RawClient c) throws IOException {
        ListTransactionsResponse r = (ListTransactionsResponse) c.send(new ListTransactionsRequest.Builder(
                new ListTransactionsRequestData()).build((short) 1));
        return r.data().transactionStates().stream().map(s -> s.transactionalId()).sorted().toList();
    }

    @Test
    void idleIdExpiresAndStaysGoneAfterARestartWhileAnOngoingOneIsKept() throws Exception {
        broker = start(EXPIRATION_MS);
        broker.topics().create("exp", 1, Map.of());
        TopicPartition tp = new TopicPartition("exp", 0);
        KafkaProducer<String, String> busy = producer("busy-tx");
        busy.initTransactions();
        busy.beginTransaction();
        busy.send(new ProducerRecord<>("exp", 0, "k", "busy")).get(15, TimeUnit.SECONDS);
        long busyUpdated = broker.transactions().describe("busy-tx").updateMs();

        long idlePid;
        short idleEpoch;
        long idleUpdated;
        try (KafkaProducer<String, String> idle = producer("idle-tx"); KafkaProducer<String, String> empty = producer("empty-tx")) {
            idle.initTransactions();
            idle.beginTransaction();
            idle.send(new ProducerRecord<>("exp", 0, "k", "idle")).get(15, TimeUnit.SECONDS);
            idle.commitTransaction();
            empty.initTransactions();
            TxnMetadata m = broker.transactions().describe("idle-tx");
            assertThat(m.state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
            assertThat(broker.transactions().describe("empty-tx").state()).isEqualTo(TransactionState.EMPTY);
            idlePid = m.producerId();
            idleEpoch = m.epoch();
            idleUpdated = m.updateMs();
        }
        try (RawClient c = new RawClient(broker)) {
            assertThat(listed(c)).containsExactly("busy-tx", "empty-tx", "idle-tx");
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.transactions().describe("idle-tx") == null
                    && broker.transactions().describe("empty-tx") == null);
            assertThat(System.currentTimeMillis() - idleUpdated).as("not before its expiration").isGreaterThanOrEqualTo(EXPIRATION_MS);
            assertThat(describe(c, "idle-tx")).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND);
            assertThat(describe(c, "empty-tx")).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND);
            // The scan that removed idle-tx saw busy-tx too, older still: a transaction in progress keeps its id.
            assertThat(busyUpdated).isLessThanOrEqualTo(idleUpdated);
            assertThat(listed(c)).containsExactly("busy-tx");
            assertThat(describe(c, "busy-tx")).isEqualTo(Errors.NONE);
            // The producer that held the expired id is refused, as by Kafka.
            AddPartitionsToTxnResponse add = (AddPartitionsToTxnResponse) c.send(
                    AddPartitionsToTxnRequest.Builder.forClient("idle-tx", idlePid, idleEpoch, List.of(tp)).build((short) 3));
            assertThat(add.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID)).containsEntry(tp, Errors.INVALID_PRODUCER_ID_MAPPING);
        }
        busy.commitTransaction();
        busy.close(Duration.ZERO);
        broker.close();

        // Restarted with the default expiration (7 days): only the tombstones can keep them gone.
        broker = start(604_800_000L);
        try (RawClient c = new RawClient(broker)) {
            assertThat(describe(c, "idle-tx")).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND);
            assertThat(describe(c, "empty-tx")).isEqualTo(Errors.TRANSACTIONAL_ID_NOT_FOUND);
            assertThat(listed(c)).containsExactly("busy-tx");
        }

        // The id used again starts over: a new producer id at epoch 0, and transactions work.
        try (KafkaProducer<String, String> again = producer("idle-tx")) {
            again.initTransactions();
            TxnMetadata m = broker.transactions().describe("idle-tx");
            assertThat(m.producerId()).isNotEqualTo(idlePid);
            assertThat(m.epoch()).isZero();
            again.beginTransaction();
            again.send(new ProducerRecord<>("exp", 0, "k", "again")).get(15, TimeUnit.SECONDS);
            again.commitTransaction();
            assertThat(broker.transactions().describe("idle-tx").state()).isEqualTo(TransactionState.COMPLETE_COMMIT);
        }
        var log = broker.topics().partition("exp", 0);
        assertThat(log.lastStableOffset()).isEqualTo(log.logEndOffset());
    }

    @Test
    void settingsBelowOneMillisecondAreRefusedAtStart() {
        for (String key : List.of("transactional.id.expiration.ms", "transaction.remove.expired.transaction.cleanup.interval.ms",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "transaction.max.timeout.ms")) {
            assertThatThrownBy(() -> BrokerConfig.of(Map.of(key, "0"))).hasMessage(key + " must be >= 1");
            assertThatThrownBy(() -> BrokerConfig.of(Map.of(key, "a week"))).hasMessage(key + " must be an integer, got 'a week'");
        }
    }
}

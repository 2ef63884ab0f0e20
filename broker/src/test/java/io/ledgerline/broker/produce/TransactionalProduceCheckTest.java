package io.ledgerline.broker.produce;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The KIP-890 check at produce: a transactional batch reaches the log only for a partition of the producer's
 * ongoing transaction; otherwise the error is the one Apache Kafka 4.x gives that produce version, and the log
 * is untouched.
 */
class TransactionalProduceCheckTest {
    private static final long PID = 900;

    @TempDir
    static Path dir;
    static Broker broker;

    @BeforeAll
    static void start() throws IOException {
        broker = TestBroker.start(dir).broker();
        broker.topics().create("kip890", 2, Map.of());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** A verifier that knows one transaction: "tx" of producer PID at epoch 0, holding kip890-0 only. */
    private static final TransactionVerifier ONE_TRANSACTION = (id, pid, epoch, tp, append) -> {
        if (!id.equals("tx") || pid != PID) throw new org.apache.kafka.common.errors.InvalidPidMappingException(id);
        if (epoch != 0) throw new InvalidProducerEpochException("fenced");
        if (!Set.of(new TopicPartition("kip890", 0)).contains(tp)) throw new TransactionAbortableException(tp + " not added");
        append.run();
    };

    private static ProduceRequest request(String transactionalId, int partition, MemoryRecords records, short version) {
        ProduceRequestData.TopicProduceDataCollection t = new ProduceRequestData.TopicProduceDataCollection();
        t.add(new ProduceRequestData.TopicProduceData().setName("kip890")
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records))));
        return ProduceRequest.builder(new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5000)
                .setTransactionalId(transactionalId).setTopicData(t)).build(version);
    }

    private static MemoryRecords txnBatch(short epoch, int seq) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, PID, epoch, seq, new SimpleRecord(1L, null, "v".getBytes()));
    }

    private static Errors handle(ProduceHandler handler, ProduceRequest body) throws Exception {
        RequestHeader header = new RequestHeader(body.apiKey(), body.version(), "test", 1);
        RequestContext ctx = new RequestContext(header, "c", InetAddress.getLoopbackAddress(), Optional.empty(), KafkaPrincipal.ANONYMOUS,
                ListenerName.forSecurityProtocol(SecurityProtocol.PLAINTEXT), SecurityProtocol.PLAINTEXT, ClientInformation.EMPTY, false);
        ProduceResponse r = (ProduceResponse) handler.handle(new KafkaRequest(header, ctx, body)).get();
        return Errors.forCode(r.data().responses().iterator().next().partitionResponses().get(0).errorCode());
    }

    @Test
    void onlyPartitionsOfTheOngoingTransactionAcceptTransactionalBatches() throws Exception {
        ProduceHandler handler = new ProduceHandler(broker.topics(), ONE_TRANSACTION);
        long end0 = broker.topics().partition("kip890", 0).logEndOffset();
        long end1 = broker.topics().partition("kip890", 1).logEndOffset();

        assertThat(handle(handler, request("tx", 1, txnBatch((short) 0, 0), (short) 12))).isEqualTo(Errors.TRANSACTION_ABORTABLE);
        assertThat(handle(handler, request("tx", 1, txnBatch((short) 0, 0), (short) 10))).as("older clients")
                .isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(handle(handler, request("tx", 0, txnBatch((short) 1, 0), (short) 12))).isEqualTo(Errors.INVALID_PRODUCER_EPOCH);
        assertThat(handle(handler, request("other", 0, txnBatch((short) 0, 0), (short) 12))).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(handle(handler, request(null, 0, txnBatch((short) 0, 0), (short) 12))).isEqualTo(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        assertThat(broker.topics().partition("kip890", 1).logEndOffset()).isEqualTo(end1);
        assertThat(broker.topics().partition("kip890", 0).logEndOffset()).isEqualTo(end0);

        assertThat(handle(handler, request("tx", 0, txnBatch((short) 0, 0), (short) 12))).isEqualTo(Errors.NONE);
        assertThat(broker.topics().partition("kip890", 0).logEndOffset()).isEqualTo(end0 + 1);
        assertThat(broker.topics().partition("kip890", 0).lastStableOffset()).isEqualTo(end0);
    }

    @Test
    void aBrokerWithoutTheTransactionRefusesTransactionalBatchesOverTheWire() throws Exception {
        try (RawClient client = new RawClient(broker)) {
            ProduceResponse r = (ProduceResponse) client.send(request("nobody", 1, txnBatch((short) 0, 0), (short) 12));
            assertThat(Errors.forCode(r.data().responses().iterator().next().partitionResponses().get(0).errorCode()))
                    .isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        }
    }
}

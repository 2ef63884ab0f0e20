package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.LogManager;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A transactional id whose epoch runs out (Short.MAX_VALUE - 1, reached here by a prepared transaction log rather
 * than 32,766 InitProducerIds) gets a new producer id at epoch 0. A KIP-360 producer that bumped into it and lost
 * the answer retries with its old producer id and the exhausted epoch: Kafka recognises the retry by the previous
 * producer id and answers it with the new one, once; the previous producer id survives a restart (transaction
 * log record version 2).
 */
class ExhaustedEpochRotatesTheProducerIdAndItsRetryIsRecognisedTest {
    private static final String ID = "exhausted";
    private static final long PID = 777_000;

    @TempDir
    Path dir;
    Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private void start() throws IOException {
        broker = TestBroker.start(dir).broker();
    }

    /** The transaction log of a stopped broker, holding {@code m} as the state of {@link #ID}. */
    private void prepare(TxnMetadata m) throws Exception {
        try (LogManager logs = new LogManager(new LogManager.Settings(dir, true, 1, 1000, 3_600_000, 0))) {
            TransactionLog.open(logs, () -> 1L).append(List.of(new TxnRecord(ID, m))).get(10, TimeUnit.SECONDS);
        }
    }

    private InitProducerIdResponse init(long pid, short epoch) throws IOException {
        try (RawClient client = new RawClient(broker)) {
            return (InitProducerIdResponse) client.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                    .setTransactionalId(ID).setTransactionTimeoutMs(10_000).setProducerId(pid).setProducerEpoch(epoch))
                    .build((short) 5));
        }
    }

    @Test
    void retryOfTheRotationGetsTheNewProducerIdOnceAndAcrossARestart() throws Exception {
        short lastGiven = Short.MAX_VALUE - 2;
        prepare(new TxnMetadata(PID, PID, lastGiven, (short) -1, 10_000, TransactionState.COMPLETE_COMMIT, Set.of(), Set.of(), 1L, 1L));
        start();

        InitProducerIdResponse bump = init(PID, lastGiven);
        assertThat(bump.error()).isEqualTo(Errors.NONE);
        assertThat(bump.data().producerId()).isEqualTo(PID);
        short exhausted = bump.data().producerEpoch();
        assertThat(exhausted).isEqualTo((short) (Short.MAX_VALUE - 1));

        InitProducerIdResponse rotated = init(PID, exhausted);
        assertThat(rotated.error()).isEqualTo(Errors.NONE);
        long newPid = rotated.data().producerId();
        assertThat(newPid).isNotEqualTo(PID);
        assertThat(rotated.data().producerEpoch()).isZero();
        TxnMetadata m = broker.transactions().describe(ID);
        assertThat(m.prevProducerId()).isEqualTo(PID);
        assertThat(m.lastEpoch()).as("the expected epoch, for its retry").isEqualTo(exhausted);

        broker.close();
        start();
        InitProducerIdResponse retry = init(PID, exhausted);
        assertThat(retry.error()).isEqualTo(Errors.NONE);
        assertThat(retry.data().producerId()).isEqualTo(newPid);
        assertThat(retry.data().producerEpoch()).isZero();
        // That retry was a change of its own: the previous producer id is now the new one, so the old id is fenced.
        assertThat(init(PID, exhausted).error()).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(init(PID, (short) 5).error()).as("not exhausted: never the old id's retry").isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(init(newPid, (short) 0).data().producerEpoch()).isEqualTo((short) 1);
    }

    @Test
    void aNewProducerAtAnExhaustedEpochGetsANewProducerIdWithoutALastEpoch() throws Exception {
        prepare(new TxnMetadata(PID, PID, (short) (Short.MAX_VALUE - 1), (short) -1, 10_000, TransactionState.EMPTY,
                Set.of(), Set.of(), -1L, 1L));
        start();
        InitProducerIdResponse rotated = init(-1, (short) -1);
        assertThat(rotated.data().producerId()).isNotEqualTo(PID);
        assertThat(rotated.data().producerEpoch()).isZero();
        assertThat(broker.transactions().describe(ID).lastEpoch()).isEqualTo((short) -1);
        assertThat(init(PID, (short) (Short.MAX_VALUE - 1)).error()).as("the new producer fenced the old one's retry")
                .isEqualTo(Errors.PRODUCER_FENCED);
    }
}

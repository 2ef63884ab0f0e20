package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.AbortedTxn;
import io.ledgerline.log.FaultInjectingDisk;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.ledgerline.broker.txn.TransactionProtocolErrorsTest.marker;
import static io.ledgerline.broker.txn.TransactionProtocolErrorsTest.openTransaction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WriteTxnMarkers answer means the marker is on disk, as for every append: a marker whose fsync fails is
 * KAFKA_STORAGE_ERROR and decides nothing, and one that was answered survives a power cut (the disk forgets
 * every unsynced write) and is found again by recovery.
 */
class WriteTxnMarkersDurabilityTest {
    private static final long PID = 4242;
    private static final TopicPartition TP = new TopicPartition("ledger", 0);

    @TempDir
    Path dir;

    private Broker start(FaultInjectingDisk disk) throws IOException {
        return TestBroker.over(dir).opener(disk).start().broker();
    }

    private static Errors abort(Broker broker) throws Exception {
        try (RawClient c = new RawClient(broker)) {
            WriteTxnMarkersRequestData d = new WriteTxnMarkersRequestData().setMarkers(List.of(marker(PID, (short) 0, 0, false, TP)));
            WriteTxnMarkersResponse r = (WriteTxnMarkersResponse) c.send(new WriteTxnMarkersRequest.Builder(d).build((short) 1));
            return r.errorsByProducerId().get(PID).get(TP);
        }
    }

    @Test
    void markerWhoseFsyncFailsIsKafkaStorageErrorAndDecidesNothing() throws Exception {
        FaultInjectingDisk disk = new FaultInjectingDisk(dir);
        try (Broker broker = start(disk)) {
            broker.topics().create("ledger", 1, Map.of());
            PartitionLog log = broker.topics().partition("ledger", 0);
            long first = openTransaction(log, PID, (short) 0, 0);
            disk.failAllForces();
            assertThat(abort(broker)).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
            assertThat(log.lastStableOffset()).as("the transaction is still undecided").isEqualTo(first);
            disk.failForces(0);
            assertThat(abort(broker)).as("the partition is offline until a restart").isEqualTo(Errors.KAFKA_STORAGE_ERROR);
            assertThat(log.lastStableOffset()).isEqualTo(first);
        }
    }

    @Test
    void answeredMarkerSurvivesAPowerCut() throws Exception {
        FaultInjectingDisk disk = new FaultInjectingDisk(dir);
        long first;
        long marker;
        Broker broker = start(disk);
        try {
            broker.topics().create("ledger", 1, Map.of());
            PartitionLog log = broker.topics().partition("ledger", 0);
            first = openTransaction(log, PID, (short) 0, 0);
            assertThat(abort(broker)).isEqualTo(Errors.NONE);
            marker = log.logEndOffset() - 1;
            disk.crash(); // power cut: every write not yet fsynced is gone
        } finally {
            broker.close();
        }
        disk.restart();
        try (Broker restarted = start(disk)) {
            PartitionLog log = restarted.topics().partition("ledger", 0);
            assertThat(log.logEndOffset()).isEqualTo(marker + 1);
            assertThat(log.lastStableOffset()).isEqualTo(log.highWatermark()).isEqualTo(marker + 1);
            assertThat(log.read(first, 1 << 20, true, IsolationLevel.READ_COMMITTED).abortedTransactions())
                    .containsExactly(new AbortedTxn(PID, first, marker, marker + 1));
        }
    }
}

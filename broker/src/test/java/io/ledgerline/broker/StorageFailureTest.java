package io.ledgerline.broker;

import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.FaultInjectingDisk;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Disk full and a failed fsync, as a producer sees them: KAFKA_STORAGE_ERROR, nothing acknowledged that is not
 * durable, and after a failed fsync nothing more acknowledged on that partition (the state of its pages is
 * unknown until a restart recovers the log). Disk full is transient: once space returns, produce works again.
 */
class StorageFailureTest {
    @TempDir
    Path dir;
    FaultInjectingDisk disk;
    Broker broker;
    PartitionLog log;

    @BeforeEach
    void start() throws IOException {
        disk = new FaultInjectingDisk(dir);
        broker = TestBroker.over(dir).opener(disk).start().broker();
        broker.topics().create("ledger", 1, Map.of());
        log = broker.topics().partition("ledger", 0);
        assertThat(produce().errorCode()).isEqualTo(Errors.NONE.code());
    }

    @AfterEach
    void stop() {
        disk.spaceFreed();
        disk.failForces(0);
        broker.close();
        assertThat(broker.connectionStats().unexpectedErrors.sum()).isZero();
    }

    @Test
    void failedFsyncGetsKafkaStorageErrorAndNothingLaterIsAcknowledged() throws IOException {
        long durableEnd = log.highWatermark();
        disk.failAllForces();
        ProduceResponseData.PartitionProduceResponse failed = produce();
        assertThat(Errors.forCode(failed.errorCode())).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(log.highWatermark()).as("the high watermark does not cover unsynced data").isEqualTo(durableEnd);

        disk.failForces(0); // fsync "works" again, but the pages of the failed one are gone
        ProduceResponseData.PartitionProduceResponse later = produce();
        assertThat(Errors.forCode(later.errorCode())).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(log.isOffline()).isTrue();
        assertThat(log.highWatermark()).isEqualTo(durableEnd);
    }

    @Test
    void diskFullGetsKafkaStorageErrorThenProduceWorksOnceSpaceReturns() throws IOException {
        long end = log.logEndOffset();
        disk.diskFullAfter(10);
        assertThat(Errors.forCode(produce().errorCode())).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(log.logEndOffset()).as("nothing appended").isEqualTo(end);

        disk.spaceFreed();
        ProduceResponseData.PartitionProduceResponse ok = produce();
        assertThat(Errors.forCode(ok.errorCode())).isEqualTo(Errors.NONE);
        assertThat(ok.baseOffset()).isEqualTo(end);
    }

    private ProduceResponseData.PartitionProduceResponse produce() throws IOException {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(1L, "k".getBytes(), new byte[512]));
        try (RawClient c = new RawClient(broker)) {
            ProduceResponse r = (ProduceResponse) c.send(BadInputTest.produceRequest("ledger", records, (short) -1));
            return r.data().responses().iterator().next().partitionResponses().get(0);
        }
    }
}

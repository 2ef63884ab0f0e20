package io.ledgerline.broker.txn;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The transaction log's record format: what is written is read back, and version 1 records still load. */
class TxnRecordTest {
    @Test
    void writtenRecordIsReadBack() {
        TxnMetadata m = new TxnMetadata(42, 41, (short) 3, (short) 2, 60_000, TransactionState.ONGOING,
                Set.of(new TopicPartition("t", 1), new TopicPartition("t", 0)), Set.of("g"), 100, 200);
        TxnRecord r = new TxnRecord("id", m);
        TxnRecord back = TxnRecord.decode(ByteBuffer.wrap(r.keyBytes()), ByteBuffer.wrap(r.valueBytes()));
        assertThat(back).isEqualTo(r);
    }

    @Test
    void version1RecordIsReadWithoutAPreviousProducerId() {
        byte[] topic = "t".getBytes(StandardCharsets.UTF_8);
        byte[] group = "g".getBytes(StandardCharsets.UTF_8);
        ByteBuffer v1 = ByteBuffer.allocate(1 + 1 + 8 + 2 + 2 + 4 + 8 + 8 + 4 + (2 + topic.length + 4) + 4 + (4 + group.length));
        v1.put((byte) 1).put((byte) 1).putLong(42).putShort((short) 3).putShort((short) 2).putInt(60_000).putLong(100).putLong(200)
                .putInt(1).putShort((short) topic.length).put(topic).putInt(7)
                .putInt(1).putInt(group.length).put(group).flip();
        TxnRecord r = TxnRecord.decode(ByteBuffer.wrap("id".getBytes(StandardCharsets.UTF_8)), v1);
        assertThat(r.value()).isEqualTo(new TxnMetadata(42, -1, (short) 3, (short) 2, 60_000, TransactionState.ONGOING,
                Set.of(new TopicPartition("t", 7)), Set.of("g"), 100, 200));
    }
}

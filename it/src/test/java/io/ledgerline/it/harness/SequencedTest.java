package io.ledgerline.it.harness;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checker every delivery test relies on must itself catch loss, duplication and reordering. */
class SequencedTest {

    private static ConsumerRecord<byte[], byte[]> record(int partition, long offset, int seq) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Sequenced.header(seq));
        return new ConsumerRecord<>("t", partition, offset, 0L, TimestampType.CREATE_TIME, 0, 0, null, null, headers, Optional.empty());
    }

    @Test
    void acceptsEachSequenceOnceInOrderWithDenseOffsetsPerPartition() {
        assertThatCode(() -> Sequenced.assertEachOnceInOrder(
                List.of(record(0, 0, 0), record(1, 0, 1), record(0, 1, 2), record(1, 1, 3)), 4, 0)).doesNotThrowAnyException();
    }

    @Test
    void rejectsADuplicate() {
        assertThatThrownBy(() -> Sequenced.assertEachOnceInOrder(List.of(record(0, 0, 0), record(0, 1, 0), record(0, 2, 1)), 2, 0))
                .hasMessageContaining("duplicate of sequence 0");
    }

    @Test
    void rejectsAMissingSequence() {
        assertThatThrownBy(() -> Sequenced.assertEachOnceInOrder(List.of(record(0, 0, 0), record(0, 1, 2)), 3, 0))
                .hasMessageContaining("1 sequence numbers missing, first ones: [1]");
    }

    @Test
    void rejectsAnOffsetGap() {
        assertThatThrownBy(() -> Sequenced.assertEachOnceInOrder(List.of(record(0, 0, 0), record(0, 2, 1)), 2, 0))
                .hasMessageContaining("expected offset 1");
    }

    @Test
    void rejectsReorderingWithinAPartition() {
        assertThatThrownBy(() -> Sequenced.assertEachOnceInOrder(List.of(record(0, 0, 1), record(0, 1, 0)), 2, 0))
                .hasMessageContaining("sequence 0 after 1");
    }
}

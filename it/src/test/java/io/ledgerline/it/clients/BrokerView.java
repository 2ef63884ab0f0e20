package io.ledgerline.it.clients;

import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.RawKafkaClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the broker holds after a client ran, seen from the Java side: the record batches of a partition as the
 * broker serves them (one Fetch with kafka-clients' request classes),
 * for what a consumer does not show: the codec a client compressed with, producer ids and sequences, the
 * transactional and control flags; and a group's committed offsets.
 */
final class BrokerView {
    private static final short FETCH_BY_TOPIC_NAME = 12;

    private BrokerView() {
    }

    /** Every batch of tp from offset 0 (up to 8 MiB, more than any scenario writes). */
    static List<RecordBatch> batches(BrokerTarget broker, TopicPartition tp) throws Exception {
        try (RawKafkaClient client = RawKafkaClient.connect(broker.bootstrapServers())) {
            FetchResponse response = client.send(FetchRequest.Builder.forConsumer(FETCH_BY_TOPIC_NAME, 0, 0,
                    Map.of(tp, new FetchRequest.PartitionData(Uuid.ZERO_UUID, 0, -1, 8 << 20, Optional.empty()))));
            assertThat(Errors.forCode(response.data().errorCode())).isEqualTo(Errors.NONE);
            List<RecordBatch> batches = new ArrayList<>();
            for (FetchResponseData.FetchableTopicResponse topic : response.data().responses()) {
                for (FetchResponseData.PartitionData partition : topic.partitions()) {
                    assertThat(Errors.forCode(partition.errorCode())).as("fetch %s", tp).isEqualTo(Errors.NONE);
                    ((MemoryRecords) partition.records()).batches().forEach(batches::add);
                }
            }
            return batches;
        }
    }

    /** The data batches (no transaction markers). */
    static List<RecordBatch> dataBatches(BrokerTarget broker, TopicPartition tp) throws Exception {
        return batches(broker, tp).stream().filter(b -> !b.isControlBatch()).toList();
    }

    /**
     * Checks that a client compressed with codec: librdkafka sends a batch uncompressed when compressing does not
     * make it smaller (a batch of one small record), so every batch of more than one record has the codec, the rest
     * have it or none, and at least one has it.
     */
    static void assertCompressedWith(List<RecordBatch> batches, CompressionType codec) {
        assertThat(batches).as("%s batches", codec.name).isNotEmpty()
                .anySatisfy(b -> assertThat(b.compressionType()).isEqualTo(codec))
                .allSatisfy(b -> {
                    if (b.lastOffset() > b.baseOffset()) {
                        assertThat(b.compressionType()).as("batch at %d", b.baseOffset()).isEqualTo(codec);
                    } else {
                        assertThat(b.compressionType()).as("batch at %d", b.baseOffset()).isIn(codec, CompressionType.NONE);
                    }
                });
    }

    /** The same offset for partitions 0 .. partitions - 1 of topic, to compare with {@link #committed}. */
    static Map<TopicPartition, Long> everyPartitionAt(String topic, int partitions, long offset) {
        return IntStream.range(0, partitions).boxed().collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> offset));
    }

    /** The group's committed offsets, from the Admin. */
    static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }
}

package io.ledgerline.broker.fetch;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ListOffsets at every advertised version: librdkafka 2.0.2 asks at v1 and v2, kafka-python 2.0.2 at v1, and a
 * found offset used to be answered with leader epoch 0, a field those versions lack, so the response did not
 * serialize and the connection was closed (issue #9: kcat "Broken pipe", kafka-python hanging). The epoch is
 * -1 (absent) below v4 and 0 from v4 on, as Kafka answers.
 */
class ListOffsetsOldVersionsTest {
    private static final String TOPIC = "list-offsets-versions";
    @TempDir
    static Path dir;
    static Broker broker;

    @BeforeAll
    static void start() throws IOException {
        broker = TestBroker.start(dir).broker();
        broker.topics().create(TOPIC, 1, Map.of());
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(1_000L, null, "a".getBytes()), new SimpleRecord(2_000L, null, "b".getBytes()));
        try (RawClient producer = new RawClient(broker)) {
            producer.produce(TOPIC, 0, records);
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static IntStream versions() {
        return IntStream.rangeClosed(1, ApiKeys.LIST_OFFSETS.latestVersion(false));
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void everyVersionAnswersLatestEarliestAndByTimestamp(int version) throws IOException {
        int epoch = version >= 4 ? 0 : -1;
        try (RawClient client = new RawClient(broker)) {
            assertThat(ask(client, version, ListOffsetsRequest.LATEST_TIMESTAMP))
                    .extracting(ListOffsetsPartitionResponse::errorCode, ListOffsetsPartitionResponse::offset,
                            ListOffsetsPartitionResponse::leaderEpoch)
                    .containsExactly((short) 0, 2L, epoch);
            assertThat(ask(client, version, ListOffsetsRequest.EARLIEST_TIMESTAMP))
                    .extracting(ListOffsetsPartitionResponse::errorCode, ListOffsetsPartitionResponse::offset,
                            ListOffsetsPartitionResponse::leaderEpoch)
                    .containsExactly((short) 0, 0L, epoch);
            assertThat(ask(client, version, 1_500L))
                    .extracting(ListOffsetsPartitionResponse::errorCode, ListOffsetsPartitionResponse::offset,
                            ListOffsetsPartitionResponse::timestamp, ListOffsetsPartitionResponse::leaderEpoch)
                    .containsExactly((short) 0, 1L, 2_000L, epoch);
        }
    }

    private static ListOffsetsPartitionResponse ask(RawClient client, int version, long timestamp) throws IOException {
        ListOffsetsRequest request = ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                .setTargetTimes(List.of(new ListOffsetsTopic().setName(TOPIC).setPartitions(List.of(
                        new ListOffsetsPartition().setPartitionIndex(0).setTimestamp(timestamp)))))
                .build((short) version);
        ListOffsetsResponse response = (ListOffsetsResponse) client.send(request);
        return response.data().topics().get(0).partitions().get(0);
    }
}

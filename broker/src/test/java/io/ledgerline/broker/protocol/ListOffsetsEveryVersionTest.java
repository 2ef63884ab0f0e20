package io.ledgerline.broker.protocol;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #9's first failure: librdkafka 2.0.2 and kafka-python 2.0.2 send ListOffsets v1/v2, and the handler's
 * response (leader epoch set, a v4+ field) could not be written there, so the connection was closed. Through the
 * real pipeline, every advertised version now gets an answer with the offset, and no unexpected error is counted.
 */
class ListOffsetsEveryVersionTest {
    @TempDir
    Path dir;

    @Test
    void everyAdvertisedVersionIsAnsweredWithTheOffset() throws Exception {
        try (Broker broker = TestBroker.start(dir).broker()) {
            broker.topics().create("lo", 1, Map.of());
            ApiTable.Entry e = broker.apiTable().get(ApiKeys.LIST_OFFSETS);
            for (short v = e.minVersion(); v <= e.maxVersion(); v++) {
                ListOffsetsRequestData d = new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                        new ListOffsetsRequestData.ListOffsetsTopic().setName("lo").setPartitions(List.of(
                                new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0)
                                        .setTimestamp(ListOffsetsRequest.EARLIEST_TIMESTAMP).setCurrentLeaderEpoch(-1)))));
                try (RawClient c = new RawClient(broker)) {
                    ListOffsetsResponse r = (ListOffsetsResponse) c.send(org.apache.kafka.common.requests.AbstractRequest.parseRequest(ApiKeys.LIST_OFFSETS, v,
                            org.apache.kafka.common.protocol.MessageUtil.toByteBufferAccessor(d, v)).request);
                    ListOffsetsResponseData.ListOffsetsPartitionResponse p = r.data().topics().get(0).partitions().get(0);
                    assertThat(p.errorCode()).as("v%d error", v).isEqualTo(Errors.NONE.code());
                    assertThat(p.offset()).as("v%d offset", v).isZero();
                    assertThat(p.leaderEpoch()).as("v%d leader epoch", v).isEqualTo(v >= 4 ? 0 : -1);
                }
            }
            assertThat(broker.connectionStats().unexpectedErrors.sum()).isZero();
            assertThat(broker.connectionStats().unwritableResponses.sum()).isZero();
        }
    }
}

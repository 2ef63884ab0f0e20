package io.ledgerline.broker;

import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.group.CommittedOffset;
import io.ledgerline.broker.group.GroupRecord;
import io.ledgerline.broker.txn.TransactionState;
import io.ledgerline.broker.txn.TxnMetadata;
import io.ledgerline.broker.txn.TxnRecord;
import io.ledgerline.coordinator.RecordCodec;
import io.ledgerline.log.Limits;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relations between {@link Limits} and the defaults of the settings they meet: each assertion is a reason written
 * in a Limits javadoc, so changing one value without the other fails here, naming the relation.
 */
class LimitsTest {
    /** Bytes a one-record batch adds around its key and value (v2 batch header, record header, varints). */
    private static final int ONE_RECORD_BATCH_OVERHEAD = 61 + 32;
    private static final BrokerConfig DEFAULTS = BrokerConfig.of(Map.of());

    @Test
    void everyRetryOfAnIdempotentProducerIsRecognised() {
        // An idempotent producer has at most 5 requests in flight per connection (max.in.flight.requests.per.connection
        // <= 5, enforced by kafka-clients); each retried batch must still be among the kept ones.
        assertThat(Limits.PRODUCER_BATCHES_KEPT).as("batches kept per producer").isGreaterThanOrEqualTo(5);
        // ...and the connection's own bound never stops reading a producer that keeps within its 5.
        assertThat(Limits.IN_FLIGHT_REQUESTS_PER_CONNECTION).as("in-flight requests per connection").isGreaterThan(5);
    }

    @Test
    void theGroupTimerTicksWellInsideTheShortestSession() {
        long shortestSession = DEFAULTS.intValue(BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS);
        assertThat(Limits.GROUP_TICK_MS).as("group tick vs group.min.session.timeout.ms / 10")
                .isLessThanOrEqualTo(shortestSession / 10);
    }

    @Test
    void aFailedMarkerWriteIsRetriedBeforeTheNextAbortScan() {
        assertThat(Limits.MARKER_RETRY_MS).as("marker retry vs the abort check interval")
                .isLessThan(DEFAULTS.longValue(BrokerConfig.TRANSACTION_ABORT_CHECK_INTERVAL_MS));
    }

    @Test
    void theLargestMessageFitsInTheLargestRequestAndEveryDecompressedRecordCanBeReadBack() {
        assertThat((long) DEFAULTS.intValue(BrokerConfig.MESSAGE_MAX_BYTES)).as("message.max.bytes vs socket.request.max.bytes")
                .isLessThanOrEqualTo(DEFAULTS.intValue(BrokerConfig.SOCKET_REQUEST_MAX_BYTES));
        assertThat(Limits.DECOMPRESSED_RECORD_BYTES_MAX).as("accepted at append vs read back")
                .isLessThanOrEqualTo(Limits.STORED_RECORD_BYTES_MAX);
        assertThat(Limits.DECOMPRESSED_RECORD_BYTES_MAX).as("a default-sized message is never refused for its decompressed size")
                .isGreaterThanOrEqualTo(DEFAULTS.intValue(BrokerConfig.MESSAGE_MAX_BYTES));
    }

    @Test
    void aLongPollAnswersBeforeAConsumerGivesUpOnIt() {
        int consumerRequestTimeout = (Integer) ConsumerConfig.configDef().defaultValues().get(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        assertThat(DEFAULTS.longValue(BrokerConfig.FETCH_MAX_WAIT_MS_MAX)).as("fetch.max.wait.ms.max vs the consumer's request.timeout.ms")
                .isLessThanOrEqualTo(consumerRequestTimeout);
    }

    @Test
    void anOffsetCommitWithTheLongestMetadataFitsInOneOffsetsAppend() {
        // Worst case: the longest topic name Kafka allows and 4096 characters of 3-byte UTF-8.
        String metadata = "€".repeat(Limits.OFFSET_METADATA_BYTES_MAX);
        GroupRecord commit = new GroupRecord.Offset("g".repeat(255), "t".repeat(249), Integer.MAX_VALUE,
                new CommittedOffset(Long.MAX_VALUE, Integer.MAX_VALUE, metadata, Long.MAX_VALUE));
        assertThat(stored(GroupRecord.CODEC, commit)).as("an offset commit record")
                .isLessThanOrEqualTo(Limits.OFFSETS_LOG_BATCH_BYTES_MAX);
    }

    @Test
    void theStoredGenerationOfALargeGroupFitsInOneOffsetsAppend() {
        // The size the broker is designed for: 1,000 consumers, each subscribed to 20 topics with 64-character
        // names and assigned 10 partitions of each (200 partitions), with 100-character member and client ids.
        List<String> topics = new ArrayList<>();
        for (int t = 0; t < 20; t++) topics.add(String.format("%064d", t));
        List<TopicPartition> assigned = new ArrayList<>();
        for (String t : topics) for (int p = 0; p < 10; p++) assigned.add(new TopicPartition(t, p));
        byte[] subscription = Utils.toArray(ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(topics)));
        byte[] assignment = Utils.toArray(ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(assigned)));
        List<GroupRecord.StoredMember> members = new ArrayList<>();
        for (int m = 0; m < 1000; m++) {
            String id = String.format("%0100d", m);
            members.add(new GroupRecord.StoredMember(id, null, "c".repeat(100), "/127.0.0.1", 300_000, 45_000,
                    subscription, assignment));
        }
        GroupRecord generation = new GroupRecord.Group("g".repeat(255), "consumer", "cooperative-sticky", Integer.MAX_VALUE,
                members.get(0).memberId(), Long.MAX_VALUE, members);
        assertThat(stored(GroupRecord.CODEC, generation)).as("a 1,000-member generation")
                .isLessThanOrEqualTo(Limits.OFFSETS_LOG_BATCH_BYTES_MAX);
    }

    @Test
    void aTransactionOfAHundredThousandPartitionsFitsInOneTransactionsAppend() {
        // The TRANSACTIONS_LOG_BATCH_BYTES_MAX javadoc: over 100,000 partitions with 64-character topic names.
        Set<TopicPartition> partitions = new HashSet<>();
        for (int t = 0; t < 100_000; t++) partitions.add(new TopicPartition(String.format("%064d", t), Integer.MAX_VALUE));
        TxnMetadata ongoing = new TxnMetadata(Long.MAX_VALUE, Long.MAX_VALUE, Short.MAX_VALUE, Short.MAX_VALUE,
                Integer.MAX_VALUE, TransactionState.ONGOING, partitions, Set.of("g".repeat(255)), Long.MAX_VALUE, Long.MAX_VALUE);
        assertThat(stored(TxnRecord.CODEC, new TxnRecord("x".repeat(255), ongoing))).as("a 100,000-partition transaction")
                .isLessThanOrEqualTo(Limits.TRANSACTIONS_LOG_BATCH_BYTES_MAX);
    }

    /** Bytes the record takes as a one-record batch of the internal log. */
    private static <R> int stored(RecordCodec<R> codec, R record) {
        byte[] key = codec.key(record);
        byte[] value = codec.value(record);
        int size = key.length + (value == null ? 0 : value.length) + ONE_RECORD_BATCH_OVERHEAD;
        return size;
    }
}

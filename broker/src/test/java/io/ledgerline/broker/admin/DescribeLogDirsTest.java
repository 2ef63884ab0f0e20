package io.ledgerline.broker.admin;

import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopicCollection;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.ledgerline.broker.testkit.TestBroker.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DescribeLogDirs at every advertised version (raw requests), and through the official AdminClient: the data dir
 * with every partition's size in bytes, as Kafka answers it.
 */
class DescribeLogDirsTest {
    @TempDir
    static Path dir;
    static TestBroker kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = TestBroker.start(dir, Map.of());
        kafka.createTopic("sized", 2, Map.of());
        kafka.createTopic("empty", 1, Map.of());
        kafka.append("sized", 0, 10, 100);
        kafka.append("sized", 1, 3, 100);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static long size(String topic, int partition) {
        return kafka.broker().topics().partition(topic, partition).sizeInBytes();
    }

    private static DescribeLogDirsResponse describe(short version, DescribableLogDirTopicCollection topics) {
        try (RawClient raw = kafka.raw()) {
            return raw.call(new DescribeLogDirsRequest.Builder(new DescribeLogDirsRequestData().setTopics(topics)).build(version));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Map<Integer, DescribeLogDirsPartition>> partitions(DescribeLogDirsResult r) {
        return r.topics().stream().collect(Collectors.toMap(DescribeLogDirsTopic::name,
                t -> t.partitions().stream().collect(Collectors.toMap(DescribeLogDirsPartition::partitionIndex, p -> p))));
    }

    private static short maxVersion() {
        try (RawClient raw = kafka.raw()) {
            ApiVersionsResponse r = raw.call(new ApiVersionsRequest.Builder().build((short) 3));
            ApiVersion v = r.data().apiKeys().find(ApiKeys.DESCRIBE_LOG_DIRS.id);
            assertThat(v).as("DescribeLogDirs advertised").isNotNull();
            assertThat(v.minVersion()).isEqualTo(ApiKeys.DESCRIBE_LOG_DIRS.oldestVersion()).isEqualTo((short) 1);
            assertThat(v.maxVersion()).isEqualTo(ApiKeys.DESCRIBE_LOG_DIRS.latestVersion(false));
            return v.maxVersion();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyVersionDescribesTheDataDirWithEveryPartitionsSize() {
        short max = maxVersion();
        assertThat(max).isGreaterThanOrEqualTo((short) 4);
        for (short v = 1; v <= max; v++) {
            DescribeLogDirsResponse response = describe(v, null);
            assertThat(response.data().errorCode()).as("v%d", v).isEqualTo(Errors.NONE.code());
            assertThat(response.data().results()).as("v%d: one log dir", v).hasSize(1);
            DescribeLogDirsResult r = response.data().results().get(0);
            assertThat(r.errorCode()).as("v%d", v).isEqualTo(Errors.NONE.code());
            assertThat(r.logDir()).as("v%d", v).isEqualTo(dir.toAbsolutePath().normalize().toString());
            Map<String, Map<Integer, DescribeLogDirsPartition>> parts = partitions(r);
            assertThat(parts.get("sized")).as("v%d", v).containsOnlyKeys(0, 1);
            assertThat(parts.get("sized").get(0).partitionSize()).as("v%d", v).isEqualTo(size("sized", 0))
                    .isGreaterThan(parts.get("sized").get(1).partitionSize()).isGreaterThan(10 * 100);
            assertThat(parts.get("sized").get(1).partitionSize()).isEqualTo(size("sized", 1)).isGreaterThan(3 * 100);
            assertThat(parts.get("empty").get(0).partitionSize()).as("v%d: an empty partition", v).isZero();
            assertThat(parts.get("sized").values()).allSatisfy(p -> {
                assertThat(p.offsetLag()).isZero();
                assertThat(p.isFutureKey()).isFalse();
            });
            assertThat(parts).as("v%d: Ledgerline's internal logs count too (Kafka lists __consumer_offsets)", v)
                    .containsKey("__ledgerline_metadata");
            if (v >= 4) {
                assertThat(r.totalBytes()).as("v%d totalBytes", v).isPositive();
                assertThat(r.usableBytes()).as("v%d usableBytes", v).isPositive().isLessThanOrEqualTo(r.totalBytes());
            } else {
                assertThat(r.totalBytes()).as("v%d has no totalBytes", v).isEqualTo(-1);
            }
            if (v >= 5) assertThat(r.isCordoned()).isFalse();
        }
    }

    @Test
    void namedTopicsLeaveOutUnknownTopicsAndPartitions() {
        DescribableLogDirTopicCollection topics = new DescribableLogDirTopicCollection();
        topics.add(new DescribableLogDirTopic().setTopic("sized").setPartitions(List.of(1, 7)));
        topics.add(new DescribableLogDirTopic().setTopic("no-such-topic").setPartitions(List.of(0)));
        topics.add(new DescribableLogDirTopic().setTopic("empty").setPartitions(List.of(3)));
        for (short v = 1; v <= maxVersion(); v++) {
            DescribeLogDirsResult r = describe(v, topics).data().results().get(0);
            Map<String, Map<Integer, DescribeLogDirsPartition>> parts = partitions(r);
            assertThat(parts).as("v%d", v).containsOnlyKeys("sized");
            assertThat(parts.get("sized")).as("v%d", v).containsOnlyKeys(1);
            assertThat(parts.get("sized").get(1).partitionSize()).isEqualTo(size("sized", 1));
        }
    }

    @Test
    void theAdminClientSeesSizesThatGrowWithAppends() throws Exception {
        TopicPartition tp = new TopicPartition("sized", 1);
        long before = replica(tp).size();
        assertThat(before).isEqualTo(size("sized", 1));
        kafka.append("sized", 1, 5, 200);
        ReplicaInfo after = replica(tp);
        assertThat(after.size()).isEqualTo(size("sized", 1)).isGreaterThan(before + 5 * 200);
        assertThat(after.offsetLag()).isZero();
        assertThat(after.isFuture()).isFalse();
    }

    private static ReplicaInfo replica(TopicPartition tp) throws Exception {
        Map<String, LogDirDescription> dirs = get(kafka.admin().describeLogDirs(List.of(0)).allDescriptions()).get(0);
        assertThat(dirs).containsOnlyKeys(dir.toAbsolutePath().normalize().toString());
        LogDirDescription d = dirs.values().iterator().next();
        assertThat(d.error()).isNull();
        assertThat(d.totalBytes()).isPresent();
        assertThat(d.usableBytes()).isPresent();
        return d.replicaInfos().get(tp);
    }
}

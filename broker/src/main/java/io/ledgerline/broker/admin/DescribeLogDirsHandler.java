package io.ledgerline.broker.admin;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * DescribeLogDirs (v1 to kafka-clients' newest stable): the one log dir, the data dir's absolute path, and per
 * partition its size in bytes (the sum of its segment files, {@link PartitionLog#sizeInBytes()}), as Kafka's
 * {@code ReplicaManager.describeLogDirs} (4.3.1) answers: offsetLag 0 (the one replica is the leader, its high
 * watermark never passes its end), isFutureKey false (no replica is being moved between dirs).
 *
 * <p>Topics null means every partition on the broker, Ledgerline's internal logs ({@code __ledgerline_*})
 * included, as Kafka lists {@code __consumer_offsets}: the answer accounts for the whole data dir. For named
 * topics, partitions that do not exist are left out, and a topic left with no partition is left out too
 * (no per-topic error exists in this API). A partition offline after a storage failure is still listed, with
 * offsetLag -1 (Kafka's "not available"). totalBytes and usableBytes (v4+) come from the data dir's file store;
 * if the file store cannot be read the dir is answered KAFKA_STORAGE_ERROR, as Kafka does. isCordoned (v5) is
 * false: Ledgerline cordons no dir. Fields a version lacks stay at their defaults, so every version serializes.
 *
 * <p>Kafka requires DESCRIBE on the cluster; Ledgerline has no ACLs yet, so every client may ask.
 */
public final class DescribeLogDirsHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(DescribeLogDirsHandler.class);
    /** totalBytes and usableBytes exist from this version on. */
    private static final short SPACE_VERSION = 4;

    private final LogManager logs;
    private final Path dataDir;

    public DescribeLogDirsHandler(LogManager logs, Path dataDir) {
        this.logs = logs;
        this.dataDir = dataDir.toAbsolutePath().normalize();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        DescribeLogDirsRequest req = request.body(DescribeLogDirsRequest.class);
        Predicate<TopicPartition> wanted = req.isAllTopicPartitions() ? tp -> true : requested(req.data().topics());
        DescribeLogDirsResult dir = new DescribeLogDirsResult().setLogDir(dataDir.toString());
        try {
            if (request.version() >= SPACE_VERSION) {
                FileStore store = Files.getFileStore(dataDir);
                dir.setTotalBytes(largeFileSystem(store.getTotalSpace())).setUsableBytes(largeFileSystem(store.getUsableSpace()));
            }
            dir.setTopics(topics(wanted)).setErrorCode(Errors.NONE.code());
        } catch (IOException e) {
            log.warn("DescribeLogDirs: cannot read the file store of {}: {}", dataDir, e.toString());
            dir = new DescribeLogDirsResult().setLogDir(dataDir.toString()).setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
        DescribeLogDirsResponseData data = new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code());
        data.results().add(dir);
        return ApiHandler.done(new DescribeLogDirsResponse(data));
    }

    private static Predicate<TopicPartition> requested(Iterable<DescribableLogDirTopic> topics) {
        Set<TopicPartition> set = new HashSet<>();
        for (DescribableLogDirTopic t : topics) {
            for (int p : t.partitions()) set.add(new TopicPartition(t.topic(), p));
        }
        return set::contains;
    }

    /** Partitions grouped by topic, both in name/index order (Kafka's order is a hash map's; any order is valid). */
    private List<DescribeLogDirsTopic> topics(Predicate<TopicPartition> wanted) {
        Map<String, List<PartitionLog>> byTopic = new TreeMap<>();
        for (PartitionLog p : logs.all()) {
            if (wanted.test(p.topicPartition())) byTopic.computeIfAbsent(p.topicPartition().topic(), t -> new ArrayList<>()).add(p);
        }
        List<DescribeLogDirsTopic> out = new ArrayList<>();
        for (Map.Entry<String, List<PartitionLog>> e : byTopic.entrySet()) {
            DescribeLogDirsTopic topic = new DescribeLogDirsTopic().setName(e.getKey());
            e.getValue().sort(Comparator.comparingInt(p -> p.topicPartition().partition()));
            for (PartitionLog p : e.getValue()) {
                topic.partitions().add(new DescribeLogDirsPartition()
                        .setPartitionIndex(p.topicPartition().partition())
                        .setPartitionSize(p.sizeInBytes())
                        .setOffsetLag(p.isOffline() ? DescribeLogDirsResponse.INVALID_OFFSET_LAG : 0)
                        .setIsFutureKey(false));
            }
            out.add(topic);
        }
        return out;
    }

    /** A file system above 8 EiB reports a negative size (JDK-8162520): Kafka answers Long.MAX_VALUE. */
    private static long largeFileSystem(long space) {
        return space < 0 ? Long.MAX_VALUE : space;
    }
}

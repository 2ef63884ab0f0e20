package io.ledgerline.broker.topic;

import io.ledgerline.broker.coordinator.LocalInternalLog;
import io.ledgerline.broker.produce.ProducerIdManager;
import io.ledgerline.log.Limits;
import io.ledgerline.log.LogConfig;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The metadata state is the replay of the durable metadata log, and nothing else: a seeded random workload of
 * creates, deletes, config changes, partition growth and producer-id blocks through {@link TopicRegistry} and
 * {@link ProducerIdManager}, checked after every step against a model of what each call answered; then a fresh
 * replay of the same data directory's metadata log gives the identical digest, and a restart over it the same
 * topics, configs, ids and cluster id, with producer ids continuing after the last reserved block.
 * {@code -Dledgerline.seed=N} runs only seed N.
 */
class MetadataStateIsTheReplayOfTheLogTest {
    static final Map<String, String> DEFAULTS = Map.of(
            LogConfig.SEGMENT_BYTES, "1073741824", LogConfig.SEGMENT_MS, "604800000",
            LogConfig.RETENTION_MS, "604800000", LogConfig.RETENTION_BYTES, "-1",
            LogConfig.MAX_MESSAGE_BYTES, "1048588", LogConfig.MESSAGE_TIMESTAMP_TYPE, "CreateTime",
            LogConfig.CLEANUP_POLICY, "delete");
    private static final List<String> NAMES = List.of("orders", "payments", "audit", "a.b", "a_b", "ledger");
    private static final int STEPS = 120;

    @TempDir
    Path tmp;

    /** What the calls answered: the state must be exactly this. */
    private static final class Model {
        String clusterId;
        long blockEnd;
        long nextProducerId;
        final Map<String, Topic> topics = new HashMap<>();

        String digest() {
            return MetadataState.digest(clusterId, blockEnd, topics);
        }
    }

    /** One broker's worth of metadata over a data directory. */
    private record Node(LogManager logs, MetadataCoordinator metadata, TopicRegistry topics, ProducerIdManager producerIds)
            implements AutoCloseable {
        static Node open(Path dir, Supplier<Uuid> ids) throws IOException {
            LogManager logs = openLogs(dir);
            MetadataCoordinator metadata = new MetadataCoordinator(logs, () -> 1_700_000_000_000L, ids);
            return new Node(logs, metadata, new TopicRegistry(logs, metadata, DEFAULTS), new ProducerIdManager(metadata));
        }

        @Override
        public void close() {
            metadata.close();
            logs.close();
        }
    }

    static LogManager openLogs(Path dir) throws IOException {
        return new LogManager(new LogManager.Settings(dir, true, 1, 1000, 3_600_000, 0));
    }

    /** The digest of a fresh replay of the metadata log under {@code dir}, into a new state machine. */
    static String replayedDigest(Path dir) throws IOException {
        try (LogManager logs = openLogs(dir)) {
            LocalInternalLog<MetadataRecord> log = MetadataLog.open(logs, () -> 0L);
            MetadataState fresh = new MetadataState();
            log.replay(fresh::replay);
            return fresh.digest();
        }
    }

    @Test
    void aFreshReplayOfTheLogGivesTheLiveStateAndARestartTheSameTopicsAndIds() throws Exception {
        long only = Long.getLong("ledgerline.seed", -1);
        for (long seed = only >= 0 ? only : 1; seed <= (only >= 0 ? only : 8); seed++) run(seed);
    }

    private void run(long seed) throws Exception {
        System.out.println("[metadata replay] seed " + seed + " (rerun with -Dledgerline.seed=" + seed + ")");
        Random random = new Random(seed);
        Path dir = Files.createDirectory(tmp.resolve("seed-" + seed));
        Model model = new Model();
        String live;
        try (Node node = Node.open(dir, ids(new Random(~seed)))) {
            model.clusterId = node.metadata().clusterId();
            assertThat(node.metadata().clusterId()).as("seed %d: decided once", seed).isEqualTo(model.clusterId);
            for (int step = 0; step < STEPS; step++) {
                String did = step(node, model, random);
                assertThat(node.metadata().digest()).as("seed %d step %d (%s): the state is what the calls answered", seed, step, did)
                        .isEqualTo(model.digest());
                assertRegistryIs(node.topics(), model, "seed " + seed + " step " + step + " (" + did + ")");
            }
            live = node.metadata().digest();
        }

        assertThat(replayedDigest(dir)).as("seed %d: a fresh replay of the data directory's metadata log", seed).isEqualTo(live);

        try (Node restarted = Node.open(dir, () -> {
            throw new AssertionError("a restart decides no id");
        })) {
            assertThat(restarted.metadata().digest()).as("seed %d: after a restart", seed).isEqualTo(live);
            assertThat(restarted.metadata().clusterId()).isEqualTo(model.clusterId);
            assertRegistryIs(restarted.topics(), model, "seed " + seed + " after a restart");
            for (TopicPartition tp : restarted.logs().partitionsOnDisk()) {
                if (tp.topic().startsWith(MetadataLog.INTERNAL_PREFIX)) continue;
                assertThat(model.topics).as("seed %d: no partition directory of a deleted topic is left", seed).containsKey(tp.topic());
                assertThat(tp.partition()).isLessThan(model.topics.get(tp.topic()).partitions());
            }
            assertThat(restarted.producerIds().nextId()).as("seed %d: ids continue after the last reserved block", seed)
                    .isEqualTo(model.blockEnd);
        }
    }

    /** Ids drawn from the seed, now and then zero or an id drawn before (which create must skip). */
    private static Supplier<Uuid> ids(Random random) {
        List<Uuid> drawn = new ArrayList<>();
        return () -> {
            int roll = random.nextInt(10);
            if (roll == 0) return Uuid.ZERO_UUID;
            if (roll == 1 && !drawn.isEmpty()) return drawn.get(random.nextInt(drawn.size()));
            Uuid id = new Uuid(random.nextLong(), random.nextLong());
            drawn.add(id);
            return id;
        };
    }

    /** One random call, its answer checked and put into the model; returns what it did. */
    private static String step(Node node, Model model, Random random) {
        TopicRegistry topics = node.topics();
        String name = NAMES.get(random.nextInt(NAMES.size()));
        Topic cur = model.topics.get(name);
        switch (random.nextInt(6)) {
            case 0, 1 -> {
                int partitions = random.nextInt(4); // 0 is refused
                Map<String, String> overrides = overrides(random);
                boolean collides = (name.equals("a.b") && model.topics.containsKey("a_b")) || (name.equals("a_b") && model.topics.containsKey("a.b"));
                if (cur != null) {
                    assertThatThrownBy(() -> topics.create(name, partitions, overrides)).isInstanceOf(TopicExistsException.class);
                } else if (collides) {
                    assertThatThrownBy(() -> topics.create(name, partitions, overrides))
                            .isInstanceOf(org.apache.kafka.common.errors.InvalidTopicException.class);
                } else if (partitions < 1) {
                    assertThatThrownBy(() -> topics.create(name, partitions, overrides)).isInstanceOf(InvalidPartitionsException.class);
                } else if (!valid(overrides)) {
                    assertThatThrownBy(() -> topics.create(name, partitions, overrides)).isInstanceOf(InvalidConfigurationException.class);
                } else {
                    Topic t = topics.create(name, partitions, overrides).topic();
                    assertThat(t.id()).isNotEqualTo(Uuid.ZERO_UUID);
                    assertThat(model.topics.values()).noneMatch(o -> o.id().equals(t.id()));
                    model.topics.put(name, new Topic(name, t.id(), partitions, overrides));
                }
                return "create " + name + " " + partitions + " " + overrides;
            }
            case 2 -> {
                if (cur == null) {
                    assertThatThrownBy(() -> topics.delete(name)).isInstanceOf(UnknownTopicOrPartitionException.class);
                } else {
                    topics.delete(name);
                    model.topics.remove(name);
                }
                return "delete " + name;
            }
            case 3 -> {
                int count = (cur == null ? 1 : cur.partitions()) + random.nextInt(3) - 1;
                if (cur == null) {
                    assertThatThrownBy(() -> topics.addPartitions(name, count)).isInstanceOf(UnknownTopicOrPartitionException.class);
                } else if (count <= cur.partitions()) {
                    assertThatThrownBy(() -> topics.addPartitions(name, count)).isInstanceOf(InvalidPartitionsException.class);
                } else {
                    topics.addPartitions(name, count);
                    model.topics.put(name, new Topic(name, cur.id(), count, cur.overrides()));
                }
                return "grow " + name + " to " + count;
            }
            case 4 -> {
                Map<String, String> overrides = overrides(random);
                if (cur == null) {
                    assertThatThrownBy(() -> topics.updateOverrides(name, o -> overrides, false)).isInstanceOf(UnknownTopicOrPartitionException.class);
                } else if (!valid(overrides)) {
                    assertThatThrownBy(() -> topics.updateOverrides(name, o -> overrides, false)).isInstanceOf(InvalidConfigurationException.class);
                } else {
                    boolean validateOnly = random.nextInt(4) == 0;
                    topics.updateOverrides(name, o -> overrides, validateOnly);
                    if (!validateOnly) model.topics.put(name, new Topic(name, cur.id(), cur.partitions(), overrides));
                }
                return "alter " + name + " " + overrides;
            }
            default -> {
                int n = 1 + random.nextInt(700);
                for (int i = 0; i < n; i++) {
                    assertThat(node.producerIds().nextId()).isEqualTo(model.nextProducerId);
                    model.nextProducerId++;
                    if (model.nextProducerId > model.blockEnd) model.blockEnd += 1000;
                }
                return n + " producer id(s)";
            }
        }
    }

    private static Map<String, String> overrides(Random random) {
        Map<String, String> m = new TreeMap<>();
        if (random.nextBoolean()) m.put(LogConfig.RETENTION_MS, Long.toString(1000L * (1 + random.nextInt(100_000))));
        if (random.nextBoolean()) m.put(LogConfig.CLEANUP_POLICY, List.of("delete", "compact", "compact,delete").get(random.nextInt(3)));
        if (random.nextInt(3) == 0) m.put(LogConfig.SEGMENT_BYTES, Integer.toString(Limits.SEGMENT_BYTES_MIN * (1 + random.nextInt(8))));
        if (random.nextInt(8) == 0) m.put(LogConfig.MAX_MESSAGE_BYTES, "not-a-number"); // refused, nothing written
        return m;
    }

    private static boolean valid(Map<String, String> overrides) {
        return !overrides.containsValue("not-a-number");
    }

    private static void assertRegistryIs(TopicRegistry topics, Model model, String as) {
        Map<String, Topic> seen = new HashMap<>();
        for (TopicRegistry.Entry e : topics.all()) {
            seen.put(e.topic().name(), e.topic());
            assertThat(e.partitions()).as(as).hasSize(e.topic().partitions());
            assertThat(topics.get(e.topic().id())).as(as).isSameAs(e);
            LogConfig expected = LogConfig.fromMap(DEFAULTS, e.topic().overrides());
            for (PartitionLog p : e.partitions()) {
                assertThat(p.config().segmentBytes()).as(as).isEqualTo(expected.segmentBytes());
                assertThat(p.config().retentionMs()).as(as).isEqualTo(expected.retentionMs());
                assertThat(p.config().compact()).as(as).isEqualTo(expected.compact());
            }
        }
        assertThat(seen).as(as).isEqualTo(model.topics);
    }
}

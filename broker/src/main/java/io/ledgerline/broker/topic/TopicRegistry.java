package io.ledgerline.broker.topic;

import io.ledgerline.coordinator.Result;
import io.ledgerline.log.LogConfig;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The topics of this broker and their partition logs. A topic's definition is the {@link MetadataState}'s (the
 * one replay of the metadata log); this registry opens, grows, reconfigures and deletes the partition logs of the
 * topics the state holds. Every change is an operation of the {@link MetadataCoordinator} (its record fsynced,
 * then applied to the state), and the partition logs follow once it is applied: at start, after the replay, each
 * topic's logs are opened.
 *
 * <p>Threads: changes are serialized by this object's monitor (so between two changes the entries are the
 * state's topics with their logs); lookups are lock-free reads of immutable {@link Entry} values.
 */
public final class TopicRegistry {
    private static final Logger log = LoggerFactory.getLogger(TopicRegistry.class);

    /** A topic with its open partition logs (index = partition). Immutable: replaced on change. */
    public record Entry(Topic topic, LogConfig config, List<PartitionLog> partitions) {}

    private final LogManager logs;
    private final MetadataCoordinator metadata;
    private final Map<String, String> defaults;
    private final Map<String, Entry> byName = new ConcurrentHashMap<>();
    private final Map<Uuid, Entry> byId = new ConcurrentHashMap<>();

    /**
     * @param defaults topic-level config defaults (every key of {@link LogConfig#KEYS}), from the broker config
     */
    public TopicRegistry(LogManager logs, MetadataCoordinator metadata, Map<String, String> defaults) throws IOException {
        this.logs = logs;
        this.metadata = metadata;
        this.defaults = Map.copyOf(defaults);
        LogConfig.fromMap(this.defaults, Map.of()); // fail fast on bad broker defaults
        for (Topic t : metadata.state().topics().values()) install(t);
        removeOrphans();
        log.info("{} topic(s) loaded", byName.size());
    }

    private void removeOrphans() throws IOException {
        for (TopicPartition tp : logs.partitionsOnDisk()) {
            if (tp.topic().startsWith(MetadataLog.INTERNAL_PREFIX)) continue;
            Entry e = byName.get(tp.topic());
            if (e == null || tp.partition() >= e.topic().partitions()) {
                log.warn("removing partition directory {} of a deleted topic", tp);
                logs.delete(tp);
            }
        }
    }

    /** The metadata whose topics this registry holds the logs of (its state, its digest). */
    public MetadataCoordinator metadata() {
        return metadata;
    }

    public Map<String, String> defaults() {
        return defaults;
    }

    public Entry get(String name) {
        return byName.get(name);
    }

    public Entry get(Uuid id) {
        return byId.get(id);
    }

    public Collection<Entry> all() {
        return byName.values();
    }

    /** The partition's log, or null when the topic or partition does not exist. */
    public PartitionLog partition(String topic, int partition) {
        Entry e = byName.get(topic);
        if (e == null || partition < 0 || partition >= e.partitions().size()) return null;
        return e.partitions().get(partition);
    }

    /** Throws InvalidTopicException when {@code name} is not a legal user topic name. */
    public static void validateName(String name) {
        if (name == null) throw new InvalidTopicException("topic name is null");
        org.apache.kafka.common.internals.Topic.validate(name);
        if (name.startsWith(MetadataLog.INTERNAL_PREFIX)) {
            throw new InvalidTopicException("topic names starting with " + MetadataLog.INTERNAL_PREFIX + " are reserved");
        }
    }

    /** The effective config for {@code overrides}, or InvalidConfigurationException naming the problem. */
    public LogConfig configFor(Map<String, String> overrides) {
        overrides.forEach((k, v) -> {
            if (v == null) throw new InvalidConfigurationException("topic config '" + k + "' has a null value");
            // The metadata log stores overrides as key=value lines: a line break would corrupt the record.
            if (k.indexOf('\n') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
                throw new InvalidConfigurationException("topic config '" + k.strip() + "' contains a line break");
            }
        });
        try {
            return LogConfig.fromMap(defaults, overrides);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    /** Checks a creation without doing it (CreateTopics validateOnly, and before a real create). */
    public void validateCreate(String name, int partitions, Map<String, String> overrides) {
        validateName(name);
        checkCollision(name);
        if (byName.containsKey(name)) throw new TopicExistsException("topic '" + name + "' already exists");
        if (partitions < 1) throw new InvalidPartitionsException("number of partitions must be at least 1, got " + partitions);
        configFor(overrides);
    }

    /**
     * Kafka's rule: '.' and '_' become the same character in metric names, so "a.b" and "a_b" may not
     * coexist (InvalidTopicException, as Kafka answers).
     */
    private void checkCollision(String name) {
        if (!org.apache.kafka.common.internals.Topic.hasCollisionChars(name)) return;
        for (String existing : byName.keySet()) {
            if (!existing.equals(name) && org.apache.kafka.common.internals.Topic.hasCollision(name, existing)) {
                throw new InvalidTopicException("topic '" + name + "' collides with existing topic '" + existing
                        + "' ('.' and '_' are the same character in metric names)");
            }
        }
    }

    public synchronized Entry create(String name, int partitions, Map<String, String> overrides) {
        validateCreate(name, partitions, overrides);
        Topic t = metadata.write(() -> {
            Topic created = new Topic(name, metadata.newTopicId(), partitions, overrides);
            return Result.of(List.of(new MetadataRecord.TopicDefined(created)), created);
        });
        Entry e = install(t);
        log.info("created topic {} ({} partitions, id {}{})", name, partitions, t.id(), overrides.isEmpty() ? "" : ", " + overrides);
        return e;
    }

    public synchronized void delete(String name) {
        Entry e = byName.get(name);
        if (e == null) throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
        metadata.write(new MetadataRecord.TopicDeleted(name));
        assert metadata.state().topic(name) == null : "the deletion is applied before it returns";
        byName.remove(name);
        byId.remove(e.topic().id());
        for (int p = 0; p < e.topic().partitions(); p++) {
            try {
                logs.delete(new TopicPartition(name, p));
            } catch (IOException ex) {
                // The topic is gone from metadata; its directory is removed at the next start if this failed.
                log.warn("deleting {}-{}: {}", name, p, ex.toString());
            }
        }
        log.info("deleted topic {}", name);
    }

    public synchronized Entry addPartitions(String name, int newCount) {
        Entry e = byName.get(name);
        if (e == null) throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
        int old = e.topic().partitions();
        if (newCount <= old) {
            throw new InvalidPartitionsException("topic " + name + " has " + old + " partitions; the new count "
                    + newCount + " must be larger");
        }
        Topic t = define(new Topic(name, e.topic().id(), newCount, e.topic().overrides()));
        log.info("topic {}: partitions {} -> {}", name, old, newCount);
        return install(t);
    }

    /** Replaces the topic's overrides (validated first). */
    public synchronized Entry setOverrides(String name, Map<String, String> overrides) {
        Entry e = byName.get(name);
        if (e == null) throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
        LogConfig config = configFor(overrides);
        Topic t = define(new Topic(name, e.topic().id(), e.topic().partitions(), overrides));
        for (PartitionLog p : e.partitions()) p.updateConfig(config);
        Entry updated = new Entry(t, config, e.partitions());
        byName.put(name, updated);
        byId.put(t.id(), updated);
        log.info("topic {}: config overrides now {}", name, overrides);
        return updated;
    }

    /**
     * Replaces the topic's overrides with {@code change.apply(current)}, atomically with respect to every other
     * change (IncrementalAlterConfigs is a read-modify-write). With {@code validateOnly} the result is checked
     * and nothing is stored.
     */
    public synchronized Entry updateOverrides(String name, UnaryOperator<Map<String, String>> change, boolean validateOnly) {
        Entry e = byName.get(name);
        if (e == null) throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
        Map<String, String> next = change.apply(e.topic().overrides());
        if (!validateOnly) return setOverrides(name, next);
        configFor(next);
        return e;
    }

    /** Writes {@code t} as the topic's new definition; returns it once applied. */
    private Topic define(Topic t) {
        metadata.write(new MetadataRecord.TopicDefined(t));
        assert metadata.state().topic(t.name()) == t : "the definition is applied before it returns";
        return t;
    }

    private Entry install(Topic t) {
        LogConfig config = configFor(t.overrides());
        Entry old = byName.get(t.name());
        List<PartitionLog> parts = new java.util.ArrayList<>();
        try {
            for (int p = 0; p < t.partitions(); p++) {
                PartitionLog existing = old != null && p < old.partitions().size() ? old.partitions().get(p) : null;
                parts.add(existing != null ? existing : logs.open(new TopicPartition(t.name(), p), config));
            }
        } catch (IOException ex) {
            throw new KafkaStorageException("cannot open the logs of topic " + t.name() + ": " + ex.getMessage(), ex);
        }
        Entry e = new Entry(t, config, List.copyOf(parts));
        byName.put(t.name(), e);
        byId.put(t.id(), e);
        return e;
    }

    /** Used only where an IOException cannot be declared. */
    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}

package io.ledgerline.server.cli.tools;

import io.ledgerline.server.cli.LedgerlineCli;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * {@code ledgerline consume TOPIC}: prints records, one a line on stdout ({@link RecordFormat}), until
 * {@code --max-records} were printed, {@code --timeout} passed without a new record, or Ctrl-C; then a summary on
 * stderr ({@code consumed 3 records from payments}).
 *
 * <p>Where it starts ({@link StartPosition}): {@code --from} in every partition read. Without {@code --from}: the
 * beginning, or with {@code --group} the group's committed offset (the beginning where it has none).
 *
 * <p>{@code --group G}: the consumer joins group G (subscribes; the partitions are shared with the group's other
 * members) and commits, after each batch it printed, the offset after the last record printed, so a later
 * {@code consume --group G} resumes there and {@code kafka-consumer-groups --describe --group G} shows the lag.
 * With {@code --partition} it reads that partition only, and still commits under G. Without a group nothing is
 * committed.
 *
 * <p>An {@code offset:N} past a partition's end starts at its end (waits for new records), one before its log
 * start at the log start; a {@code time:T} after the newest record starts at the end.
 */
@Command(name = "consume",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerlineCli.Version.class,
        description = {"Print the records of TOPIC, one a line, until --max-records, --timeout or Ctrl-C.",
                "Prints a summary to stderr: records consumed."})
public final class ConsumeCommand extends ClientCommand {
    private static final Duration POLL = Duration.ofMillis(200);

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic to read.")
    String topic;

    @Option(names = "--from", paramLabel = "POSITION", converter = StartPosition.Converter.class,
            description = "beginning, end, offset:N or time:T (ISO-8601 or epoch ms). "
                    + "Default: beginning, or with --group the committed offsets.")
    StartPosition from;

    @Option(names = "--partition", paramLabel = "N", description = "Read only this partition.")
    Integer partition;

    @Option(names = "--group", paramLabel = "GROUP", description = "Consume as this consumer group and commit its offsets.")
    String group;

    @Option(names = "--max-records", paramLabel = "N", description = "Stop after printing N records.")
    Long maxRecords;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop when no record arrived for this long (500ms, 10s, 2m). Default: wait until Ctrl-C.")
    Duration timeout;

    @Option(names = "--format", paramLabel = "text|json", defaultValue = "text",
            description = "text: the value (with --print-key: key, separator, value); json: one object per line "
                    + "with topic, partition, offset, timestamp, timestampType, key, value, headers. Default: ${DEFAULT-VALUE}.")
    RecordFormat format;

    @Option(names = "--print-key", description = "With --format text: print KEY<sep>VALUE.")
    boolean printKey;

    @Option(names = "--key-separator", paramLabel = "SEP", defaultValue = ":",
            description = "Separator for --print-key. Default: ${DEFAULT-VALUE}.")
    String keySeparator;

    /** Next offset to commit per partition: after the last record printed. */
    private final Map<TopicPartition, OffsetAndMetadata> printed = new HashMap<>();
    private final Set<TopicPartition> positioned = new HashSet<>();
    private volatile boolean assigned;

    @Override
    protected int run() throws Exception {
        if (maxRecords != null && maxRecords < 1) throw usageError("--max-records must be at least 1, got " + maxRecords);
        if (partition != null && partition < 0) throw usageError("--partition must be at least 0, got " + partition);
        if (printKey && format != RecordFormat.text) throw usageError("--print-key is for --format text (json always has the key)");
        List<TopicPartition> partitions = partitions();

        Map<String, Object> c = clientConfig();
        c.remove(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG); // the default (30 s) stays above fetch.max.wait.ms
        if (group != null) c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> consumer = client(() -> new KafkaConsumer<>(c));

        // Ctrl-C: wake the poll up, let the loop commit and close, then let the JVM go.
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            consumer.wakeup();
            try {
                finished.await(millis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ledgerline-consume-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long count = 0;
        try {
            try {
                count = consume(consumer, partitions);
            } catch (WakeupException e) {
                // Ctrl-C: what was printed is committed below
            } finally {
                try {
                    commit(consumer);
                } finally {
                    close(consumer);
                }
            }
            err().println("consumed " + count + (count == 1 ? " record" : " records") + " from " + topic
                    + (group == null ? "" : "; offsets committed for group " + group));
            err().flush();
            return 0;
        } catch (KafkaException e) {
            throw failure(e, "consume from '" + topic + "'");
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down (Ctrl-C): the hook is running
            }
        }
    }

    /** The partitions to read; the topic must exist (the consumer does not create it). */
    private List<TopicPartition> partitions() throws ToolException {
        Admin admin = connect();
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).topicNameValues().get(topic).get();
            int count = d.partitions().size();
            if (partition != null && partition >= count) {
                throw new ToolException("topic '" + topic + "' has no partition " + partition + " (it has " + count + ")");
            }
            return partition != null ? List.of(new TopicPartition(topic, partition))
                    : IntStream.range(0, count).mapToObj(p -> new TopicPartition(topic, p)).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) throw unknownTopic(topic);
            throw failure(e.getCause(), "describe topic '" + topic + "'");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted", e);
        } finally {
            close(admin);
        }
    }

    private long consume(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) throws ToolException {
        if (group != null && partition == null) {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    commit(consumer);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> added) {
                    position(consumer, added);
                    assigned = true;
                }
            });
        } else {
            consumer.assign(partitions);
            position(consumer, partitions);
            assigned = true;
        }
        PrintWriter out = out();
        long count = 0;
        long started = System.nanoTime();
        long idleSince = -1;
        while (maxRecords == null || count < maxRecords) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            long now = System.nanoTime();
            if (!assigned) {
                if (timeout != null && now - started > timeout.plus(connectTimeout).toNanos()) {
                    throw new ToolException("group '" + group + "' was not given partitions of '" + topic + "' within "
                            + human(timeout.plus(connectTimeout)));
                }
                continue;
            }
            if (idleSince < 0) idleSince = now;
            if (records.isEmpty()) {
                if (timeout != null && now - idleSince >= timeout.toNanos()) break;
                continue;
            }
            idleSince = now;
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (maxRecords != null && count >= maxRecords) break;
                out.println(format.format(r, printKey, keySeparator));
                printed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                count++;
            }
            out.flush();
            commit(consumer);
        }
        return count;
    }

    /** Seeks each partition not positioned yet to {@code --from}; without it the consumer's own start applies. */
    private void position(KafkaConsumer<byte[], byte[]> consumer, Collection<TopicPartition> tps) {
        List<TopicPartition> fresh = tps.stream().filter(positioned::add).toList();
        if (fresh.isEmpty()) return;
        StartPosition start = from != null ? from : group == null ? new StartPosition.Beginning() : null;
        if (start instanceof StartPosition.Beginning) {
            consumer.seekToBeginning(fresh);
        } else if (start instanceof StartPosition.End) {
            consumer.seekToEnd(fresh);
        } else if (start instanceof StartPosition.Offset o) {
            Map<TopicPartition, Long> first = consumer.beginningOffsets(fresh);
            Map<TopicPartition, Long> end = consumer.endOffsets(fresh);
            for (TopicPartition tp : fresh) consumer.seek(tp, Math.max(first.get(tp), Math.min(end.get(tp), o.offset())));
        } else if (start instanceof StartPosition.Time t) {
            Map<TopicPartition, Long> query = new HashMap<>();
            for (TopicPartition tp : fresh) query.put(tp, t.epochMs());
            for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(query).entrySet()) {
                if (e.getValue() == null) consumer.seekToEnd(List.of(e.getKey()));
                else consumer.seek(e.getKey(), e.getValue().offset());
            }
        }
    }

    private void commit(KafkaConsumer<byte[], byte[]> consumer) {
        if (group == null || printed.isEmpty()) return;
        consumer.commitSync(Map.copyOf(printed));
        printed.clear();
    }
}

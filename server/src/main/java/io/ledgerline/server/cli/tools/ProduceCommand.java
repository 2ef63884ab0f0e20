package io.ledgerline.server.cli.tools;

import io.ledgerline.server.cli.LedgerlineCli;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ledgerline produce TOPIC}: one record per line of stdin (UTF-8, the line without its line break; an
 * empty line is a record with an empty value), sent as it is read, so typed lines go out at once.
 *
 * <p>Keys: with {@code --parse-key} each line is {@code KEY<sep>VALUE}, split at the first {@code --key-separator}
 * (default {@code :}), so a value may contain the separator; a line without it stops the command (exit 1) after
 * the lines before it were sent. Headers: {@code --header KEY=VALUE}, repeatable, is added to every record
 * (a header key may repeat, as Kafka allows). {@code --acks all} (default, with the idempotent producer: no
 * duplicates on retry), {@code 1} or {@code 0}.
 *
 * <p>When stdin ends, every record is flushed and a summary goes to stderr (stdout stays empty):
 * {@code sent 3 records to payments: partition 0 up to offset 1, partition 1 up to offset 0}. A record the broker
 * refuses ends the command with its error (exit 1), after the summary of what was acknowledged.
 *
 * <p>A topic that does not exist is created on first use if the broker does that ({@code auto.create.topics.enable},
 * read through DescribeConfigs); otherwise the command stops at once with "unknown topic".
 */
@Command(name = "produce",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerlineCli.Version.class,
        description = {"Send one record per line of stdin to TOPIC; Ctrl-D (end of input) ends.",
                "Prints a summary to stderr: records sent, and per partition the last offset."})
public final class ProduceCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic to write to.")
    String topic;

    @Option(names = "--parse-key", description = "Each line is KEY<sep>VALUE (see --key-separator).")
    boolean parseKey;

    @Option(names = "--key-separator", paramLabel = "SEP", defaultValue = ":",
            description = "Separator between key and value with --parse-key; the first one splits. Default: ${DEFAULT-VALUE}.")
    String keySeparator;

    @Option(names = "--header", paramLabel = "KEY=VALUE", converter = KeyValue.Converter.class,
            description = "A header added to every record; repeatable.")
    List<KeyValue> headers = new ArrayList<>();

    @Option(names = "--acks", paramLabel = "all|1|0", defaultValue = "all", converter = AcksConverter.class,
            description = "Acknowledgement to wait for: all (default; idempotent), 1 or 0 (none: offsets are not known).")
    String acks;

    @Option(names = "--partition", paramLabel = "N", description = "Send every record to this partition (default: by key, or spread).")
    Integer partition;

    private InputStream in = System.in;

    /** The records' source instead of System.in (tests, and callers that embed the command line). */
    public void setIn(InputStream in) {
        this.in = in;
    }

    @Override
    protected int run() throws Exception {
        if (keySeparator.isEmpty()) throw usageError("--key-separator must not be empty");
        if (partition != null && partition < 0) throw usageError("--partition must be at least 0, got " + partition);
        Admin admin = connect();
        try {
            checkTopic(admin);
        } finally {
            close(admin);
        }
        Map<String, Object> c = clientConfig();
        c.put(ProducerConfig.ACKS_CONFIG, acks);
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks.equals("all"));
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis());
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, Math.max(120_000, 2 * millis())));
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        KafkaProducer<byte[], byte[]> producer = client(() -> new KafkaProducer<>(c));
        Summary summary = new Summary();
        try {
            if (System.console() != null && in == System.in) {
                err().println("one record per line, Ctrl-D to end" + (parseKey ? " (KEY" + keySeparator + "VALUE)" : ""));
                err().flush();
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            int lineNumber = 0;
            for (String line; (line = reader.readLine()) != null && summary.failure.get() == null; ) {
                lineNumber++;
                byte[] key = null;
                String value = line;
                if (parseKey) {
                    int at = line.indexOf(keySeparator);
                    if (at < 0) {
                        summary.failure.compareAndSet(null, new ToolException("line " + lineNumber + " has no key separator '"
                                + keySeparator + "' (--parse-key expects KEY" + keySeparator + "VALUE)"));
                        break;
                    }
                    key = line.substring(0, at).getBytes(StandardCharsets.UTF_8);
                    value = line.substring(at + keySeparator.length());
                }
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, key, value.getBytes(StandardCharsets.UTF_8));
                for (KeyValue h : headers) record.headers().add(new RecordHeader(h.key(), h.value().getBytes(StandardCharsets.UTF_8)));
                try {
                    producer.send(record, (md, e) -> summary.acknowledged(md, e));
                } catch (KafkaException e) {
                    summary.failure.compareAndSet(null, failure(e, "send line " + lineNumber));
                }
            }
            producer.flush();
        } finally {
            close(producer);
        }
        err().println(summary.line());
        err().flush();
        if (summary.failure.get() != null) throw summary.failure.get();
        return 0;
    }

    /** Unknown topic: fine if the broker creates topics on first use, else an error now rather than after a timeout. */
    private void checkTopic(Admin admin) throws ToolException {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).topicNameValues().get(topic).get();
            if (partition != null && partition >= d.partitions().size()) {
                throw new ToolException("topic '" + topic + "' has no partition " + partition + " (it has " + d.partitions().size() + ")");
            }
            return;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) throw failure(e.getCause(), "describe topic '" + topic + "'");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted", e);
        }
        if (!autoCreates(admin)) throw unknownTopic(topic);
    }

    private boolean autoCreates(Admin admin) {
        try {
            Node node = admin.describeCluster().nodes().get().iterator().next();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
            Config config = admin.describeConfigs(List.of(broker)).values().get(broker).get();
            ConfigEntry e = config.get("auto.create.topics.enable");
            return e == null || !"false".equals(e.value());
        } catch (Exception e) {
            return true; // cannot tell: let the producer find out
        }
    }

    /** What the broker acknowledged, from the producer's callbacks (its I/O thread), and the first failure. */
    private final class Summary {
        private final Map<Integer, Long> lastOffsets = new TreeMap<>();
        private long sent;
        final AtomicReference<ToolException> failure = new AtomicReference<>();

        synchronized void acknowledged(RecordMetadata md, Exception e) {
            if (e != null) {
                failure.compareAndSet(null, failure(e, "send to '" + topic + "'"));
                return;
            }
            sent++;
            if (md.hasOffset()) lastOffsets.merge(md.partition(), md.offset(), Math::max);
            else lastOffsets.putIfAbsent(md.partition(), -1L);
        }

        synchronized String line() {
            StringBuilder b = new StringBuilder("sent ").append(sent).append(sent == 1 ? " record" : " records").append(" to ").append(topic);
            if (acks.equals("0")) return b.append(sent == 0 ? "" : " (--acks 0: offsets not known)").toString();
            String sep = ": ";
            for (Map.Entry<Integer, Long> e : lastOffsets.entrySet()) {
                b.append(sep).append("partition ").append(e.getKey()).append(" up to offset ").append(e.getValue());
                sep = ", ";
            }
            return b.toString();
        }
    }

    /** {@code all}, {@code -1} (the same), {@code 1} or {@code 0}. */
    static final class AcksConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            return switch (value) {
                case "all", "-1" -> "all";
                case "1", "0" -> value;
                default -> throw new TypeConversionException("expected all, 1 or 0, got '" + value + "'");
            };
        }
    }
}

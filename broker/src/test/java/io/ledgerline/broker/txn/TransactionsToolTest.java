package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.ClientProps;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.AbortedTxn;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka's own {@code kafka-transactions} tool (TransactionsCommand) lists and describes Ledgerline's
 * transactions and the producers of a partition, finds a hanging transaction and aborts it, as it does Kafka's.
 */
class TransactionsToolTest {
    @TempDir
    Path dir;
    Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private String bootstrap() {
        return broker.advertisedHost() + ":" + broker.port();
    }

    private static final class ToolExit extends RuntimeException {
        final int code;

        ToolExit(int code) {
            super("exit " + code);
            this.code = code;
        }
    }

    /** What a run of the tool printed (stdout and stderr), and its exit code. */
    private record Run(int exitCode, String output) {}

    /** Runs kafka-transactions with {@code args}; returns what it printed, failing the test unless it exits with 0. */
    private String tool(String... args) throws Exception {
        Run r = run(args);
        if (r.exitCode() != 0) throw new AssertionError("kafka-transactions exited with " + r.exitCode() + ": " + r.output());
        return r.output();
    }

    private Run run(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap();
        System.arraycopy(args, 0, all, 2, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Admin> admins = new ArrayList<>();
        Function<Object, Admin> admin = ns -> {
            Properties p = ClientProps.admin(bootstrap());
            Admin a = Admin.create(p);
            admins.add(a);
            return a;
        };
        // execute(args, adminSupplier, out, time) is the tool's entry point without System.exit.
        Class<?> command = Class.forName("org.apache.kafka.tools.TransactionsCommand");
        Method execute = command.getDeclaredMethod("execute", String[].class, Function.class, PrintStream.class, Time.class);
        execute.setAccessible(true);
        PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream oldErr = System.err;
        System.setErr(capture);
        // The tool ends with Exit.exit(0) after success, Exit.exit(1) after an error: intercepted, so the test JVM goes on.
        Exit.setExitProcedure((code, message) -> {
            throw new ToolExit(code);
        });
        int code;
        try {
            execute.invoke(null, all, admin, capture, Time.SYSTEM);
            throw new AssertionError("kafka-transactions returned without exiting: " + out);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (!(e.getCause() instanceof ToolExit x)) throw new AssertionError("kafka-transactions failed: " + out, e.getCause());
            code = x.code;
        } finally {
            Exit.resetExitProcedure();
            System.setErr(oldErr);
            for (Admin a : admins) a.close(Duration.ZERO); // the tool leaves its admin client open
        }
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.println("$ kafka-transactions " + String.join(" ", args) + " (exit " + code + ")\n" + text);
        return new Run(code, text);
    }

    /** The rows of a table the tool printed (header line skipped), split into columns. */
    private static List<String[]> rows(String table) {
        return table.lines().skip(1).filter(l -> !l.isBlank()).map(l -> l.trim().split("\\s+")).toList();
    }

    @Test
    void listDescribeAndDescribeProducers() throws Exception {
        broker = TestBroker.start(dir).broker();
        broker.topics().create("tool", 1, Map.of());
        Properties p = ClientProps.transactionalProducer(bootstrap(), "tool-tx");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tool", 0, "k", "v")).get(15, TimeUnit.SECONDS);
            long pid = broker.transactions().describe("tool-tx").producerId();

            assertThat(tool("list")).contains("tool-tx").contains("Ongoing").contains(Long.toString(pid));
            assertThat(tool("describe", "--transactional-id", "tool-tx")).contains("Ongoing").contains("tool-0");
            String producers = tool("describe-producers", "--topic", "tool", "--partition", "0");
            assertThat(producers.lines().filter(l -> l.trim().startsWith(Long.toString(pid)))).singleElement()
                    .satisfies(l -> {
                        String[] cols = l.trim().split("\\s+");
                        assertThat(cols[cols.length - 1]).as("CurrentTransactionStartOffset").isEqualTo("0");
                    });

            long started = broker.transactions().describe("tool-tx").startMs();
            producer.commitTransaction();
            // The start time stays once the transaction completed (Kafka's), so its duration too.
            assertThat(rows(tool("describe", "--transactional-id", "tool-tx"))).singleElement().satisfies(cols -> {
                assertThat(cols[4]).isEqualTo("CompleteCommit");
                assertThat(cols[6]).as("CurrentTransactionStartTimeMs").isEqualTo(Long.toString(started));
            });
            assertThat(tool("list", "--duration-filter", "3600000")).as("started less than an hour ago").doesNotContain("tool-tx");
            assertThat(tool("list", "--duration-filter", "-1")).contains("tool-tx");
        }
    }

    private KafkaProducer<String, String> producer(String transactionalId) {
        Properties p = ClientProps.transactionalProducer(bootstrap(), transactionalId, Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"));
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** What a read_committed consumer reads of {@code tp} up to its end offset (the last stable offset). */
    private List<String> readCommitted(TopicPartition tp) {
        Properties p = ClientProps.consumer(bootstrap(), Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long deadline = System.currentTimeMillis() + 20_000;
            while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) out.add(r.value());
            }
            assertThat(c.position(tp)).as("read_committed reached the end offset of " + tp).isEqualTo(end);
        }
        return out;
    }

    @Test
    void findHangingFindsATransactionWhoseCoordinatorStateIsLostAndAbortEndsIt() throws Exception {
        TestBroker kafka = TestBroker.start(dir);
        broker = kafka.broker();
        broker.topics().create("hanging", 1, Map.of());
        TopicPartition tp = new TopicPartition("hanging", 0);
        long hourAgo = System.currentTimeMillis() - TimeUnit.HOURS.toMillis(1);
        KafkaProducer<String, String> zombie = producer("zombie-tx");
        zombie.initTransactions();
        zombie.beginTransaction();
        zombie.send(new ProducerRecord<>("hanging", 0, hourAgo, "k", "lost-1")).get(15, TimeUnit.SECONDS);
        zombie.send(new ProducerRecord<>("hanging", 0, hourAgo, "k", "lost-2")).get(15, TimeUnit.SECONDS);
        long zombiePid = broker.transactions().describe("zombie-tx").producerId();
        kafka.close();
        zombie.close(Duration.ZERO); // gone without ending its transaction (a graceful close would abort it)

        // The coordinator's state is lost (its log deleted): nothing will ever end that transaction.
        try (var files = Files.walk(dir.resolve("logs").resolve(TransactionLog.NAME + "-0"))) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        kafka.restart();
        broker = kafka.broker();
        assertThat(broker.transactions().describe("zombie-tx")).isNull();
        PartitionLog log = broker.topics().partition("hanging", 0);
        assertThat(log.lastStableOffset()).as("held by the hanging transaction").isZero();

        try (KafkaProducer<String, String> live = producer("live-tx")) {
            live.initTransactions();
            live.beginTransaction();
            live.send(new ProducerRecord<>("hanging", 0, "k", "after")).get(15, TimeUnit.SECONDS);
            long livePid = broker.transactions().describe("live-tx").producerId();

            // Both transactions are open; only the one no coordinator knows hangs. With no minimum duration the
            // live one is a candidate too, and ListTransactions and DescribeTransactions clear it.
            for (String[] args : List.of(new String[] {"find-hanging", "--topic", "hanging", "--max-transaction-timeout", "0"},
                    new String[] {"find-hanging", "--topic", "hanging"}, new String[] {"find-hanging", "--broker-id", "0"})) {
                assertThat(rows(tool(args))).as(String.join(" ", args)).singleElement().satisfies(cols -> {
                    assertThat(cols[0]).isEqualTo("hanging");
                    assertThat(cols[1]).as("Partition").isEqualTo("0");
                    assertThat(cols[2]).as("ProducerId").isEqualTo(Long.toString(zombiePid));
                    assertThat(cols[5]).as("StartOffset").isEqualTo("0");
                    assertThat(Long.parseLong(cols[7])).as("Duration(min)").isBetween(59L, 70L);
                });
            }
            assertThat(livePid).isNotEqualTo(zombiePid);

            assertThat(run("abort", "--topic", "hanging", "--partition", "0", "--start-offset", "1").output())
                    .contains("Could not find any open transactions starting at offset 1");
            tool("abort", "--topic", "hanging", "--partition", "0", "--start-offset", "0");
            assertThat(rows(tool("find-hanging", "--topic", "hanging", "--max-transaction-timeout", "0"))).isEmpty();
            assertThat(log.lastStableOffset()).as("now held by the live transaction only").isEqualTo(2);
            live.commitTransaction();
        }
        assertThat(log.lastStableOffset()).isEqualTo(log.highWatermark());
        assertThat(readCommitted(tp)).containsExactly("after");
        assertThat(log.read(0, 1 << 20, true, IsolationLevel.READ_COMMITTED).abortedTransactions())
                .extracting(AbortedTxn::producerId, AbortedTxn::firstOffset).containsExactly(org.assertj.core.groups.Tuple.tuple(zombiePid, 0L));
        assertThat(rows(tool("describe-producers", "--topic", "hanging", "--partition", "0")))
                .filteredOn(cols -> cols[0].equals(Long.toString(zombiePid))).singleElement()
                .satisfies(cols -> assertThat(cols[cols.length - 1]).as("CurrentTransactionStartOffset").isEqualTo("None"));

        kafka.restart();
        broker = kafka.broker();
        assertThat(readCommitted(tp)).as("the abort marker was durable").containsExactly("after");
        assertThat(rows(tool("find-hanging", "--topic", "hanging", "--max-transaction-timeout", "0"))).isEmpty();
    }

    @Test
    void abortWithProducerIdAndEpochEndsAnOpenTransactionAndRefusesAStaleEpoch() throws Exception {
        broker = TestBroker.start(dir).broker();
        broker.topics().create("open", 1, Map.of());
        TopicPartition tp = new TopicPartition("open", 0);
        PartitionLog log = broker.topics().partition("open", 0);
        try (KafkaProducer<String, String> first = producer("open-tx")) {
            first.initTransactions(); // epoch 0; the next instance bumps it
        }
        try (KafkaProducer<String, String> p = producer("open-tx")) {
            p.initTransactions();
            TxnMetadata m = broker.transactions().describe("open-tx");
            assertThat(m.epoch()).isPositive();
            p.beginTransaction();
            p.send(new ProducerRecord<>("open", 0, "k", "aborted-by-operator")).get(15, TimeUnit.SECONDS);
            String pid = Long.toString(m.producerId());

            Run stale = run("abort", "--topic", "open", "--partition", "0", "--producer-id", pid,
                    "--producer-epoch", Integer.toString(m.epoch() - 1), "--coordinator-epoch", "0");
            assertThat(stale.exitCode()).isEqualTo(1);
            assertThat(stale.output()).contains("Failed to abort transaction").contains("invalid producer epoch");
            assertThat(run("abort", "--topic", "open", "--partition", "0", "--producer-id", pid).output())
                    .contains("Missing required argument --producer-epoch");
            assertThat(log.lastStableOffset()).isZero();

            // The old brokers' form; a coordinator epoch of -1 (no marker yet) is sent as 0.
            tool("abort", "--topic", "open", "--partition", "0", "--producer-id", pid,
                    "--producer-epoch", Short.toString(m.epoch()), "--coordinator-epoch", "-1");
            assertThat(log.lastStableOffset()).isEqualTo(log.highWatermark());
            assertThat(readCommitted(tp)).isEmpty();
        }
    }
}

package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka's own {@code kafka-transactions} tool (TransactionsCommand) lists and describes Ledgerline's
 * transactions and the producers of a partition, as it does Kafka's.
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

    /** Runs kafka-transactions with {@code args}; returns what it printed. */
    private String tool(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap();
        System.arraycopy(args, 0, all, 2, args.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Function<Object, Admin> admin = ns -> {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
            return Admin.create(p);
        };
        // execute(args, adminSupplier, out, time) is the tool's entry point without System.exit.
        Class<?> command = Class.forName("org.apache.kafka.tools.TransactionsCommand");
        Method execute = command.getDeclaredMethod("execute", String[].class, Function.class, PrintStream.class, Time.class);
        execute.setAccessible(true);
        PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream oldErr = System.err;
        System.setErr(capture);
        // The tool ends with Exit.exit(0) after success: intercepted, so the test JVM goes on.
        Exit.setExitProcedure((code, message) -> {
            throw new ToolExit(code);
        });
        try {
            execute.invoke(null, all, admin, capture, Time.SYSTEM);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (!(e.getCause() instanceof ToolExit x && x.code == 0)) throw new AssertionError("kafka-transactions failed: " + out, e.getCause());
        } finally {
            Exit.resetExitProcedure();
            System.setErr(oldErr);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        System.out.println("$ kafka-transactions " + String.join(" ", args) + "\n" + text);
        return text;
    }

    @Test
    void listDescribeAndDescribeProducers() throws Exception {
        broker = Broker.start(BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0")));
        broker.topics().create("tool", 1, Map.of());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tool-tx");
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

            producer.commitTransaction();
            assertThat(tool("describe", "--transactional-id", "tool-tx")).contains("CompleteCommit");
        }
    }
}

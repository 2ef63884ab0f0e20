package io.ledgerline.broker.group;

import io.ledgerline.broker.testkit.ClientProps;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka's own kafka-consumer-groups tool (ConsumerGroupCommand from kafka-tools) against the broker: --list
 * (with --state), --describe (the LAG column), --reset-offsets with every target used in practice and
 * --execute, --delete-offsets and --delete; each result checked by what a consumer of the group reads next.
 */
class ConsumerGroupCommandTest {
    static final String TOPIC = "cg";
    @TempDir
    Path dir;
    TestBroker broker;
    /** Record i has timestamp base + i seconds and goes to partition i % 2 (offset i / 2 there). */
    long base;

    /** Thrown by the intercepted Exit: the tool wanted to end the JVM. */
    static final class ExitCalled extends RuntimeException {
        final int code;

        ExitCalled(int code, String message) {
            super("exit " + code + ": " + message);
            this.code = code;
        }
    }

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.over(dir).groupTimers().start();
        broker.createTopic(TOPIC, 2);
        base = (System.currentTimeMillis() / 1000) * 1000 - 3_600_000;
        produce(0, 200);
        Exit.setExitProcedure((code, message) -> {
            throw new ExitCalled(code, message);
        });
    }

    @AfterEach
    void stop() {
        Exit.resetExitProcedure();
        if (broker != null) broker.close();
    }

    private void produce(int from, int to) throws Exception {
        Properties p = ClientProps.producer(broker.bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < to; i++) producer.send(new ProducerRecord<>(TOPIC, i % 2, base + i * 1000L, "k" + i, "v" + i));
            producer.flush();
        }
    }

    /** Runs kafka-consumer-groups with {@code args}; returns what it printed (stdout then stderr). */
    private String tool(String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrap()));
        all.addAll(Arrays.asList(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        PrintStream capture = new PrintStream(out, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            ConsumerGroupCommand.main(all.toArray(String[]::new));
        } catch (ExitCalled e) {
            capture.println("EXIT " + e.code);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        oldOut.println("$ kafka-consumer-groups " + String.join(" ", args) + "\n" + text);
        return text;
    }

    private static List<String> firstColumn(String table) {
        return table.lines().map(l -> l.trim().split("\\s+")[0]).toList();
    }

    /** Rows of --describe output for TOPIC: partition to its columns. */
    private static Map<Integer, Map<String, String>> rows(String describe) {
        Map<Integer, Map<String, String>> rows = new HashMap<>();
        List<String> header = null;
        for (String line : describe.split("\n")) {
            List<String> cols = Arrays.stream(line.trim().split("\\s+")).toList();
            if (cols.contains("PARTITION") && cols.contains("LAG")) {
                header = cols;
            } else if (header != null && cols.size() >= header.size() - 1 && cols.size() > 2 && cols.get(1).equals(TOPIC)) {
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < Math.min(header.size(), cols.size()); i++) row.put(header.get(i), cols.get(i));
                rows.put(Integer.parseInt(row.get("PARTITION")), row);
            }
        }
        return rows;
    }

    private void commit(String group, long p0, long p1) {
        try (KafkaConsumer<String, String> c = broker.consumer(group, Map.of())) {
            c.subscribe(List.of(TOPIC));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                c.poll(Duration.ofMillis(100));
                return c.assignment().size() == 2;
            });
            c.commitSync(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(p0), new TopicPartition(TOPIC, 1), new OffsetAndMetadata(p1)));
        }
    }

    /** What a consumer of {@code group} reads next: the first offset it gets from each partition (it commits nothing). */
    private Map<Integer, Long> nextRead(String group) {
        Map<Integer, Long> first = new HashMap<>();
        try (KafkaConsumer<String, String> c = broker.consumer(group, Map.of())) {
            c.subscribe(List.of(TOPIC));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) first.putIfAbsent(r.partition(), r.offset());
                return first.size() == 2;
            });
        }
        return first;
    }

    private Map<Integer, Long> committed(String group) throws Exception {
        return broker.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .entrySet().stream().collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    @Test
    void listDescribeResetDeleteAsKafkasToolDoes() throws Exception {
        commit("tools", 30, 40);
        produce(200, 210); // log ends: p0 105, p1 105
        try (ConsumerLoop live = new ConsumerLoop("live", broker.consumer("live", Map.of()), TOPIC)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> live.processed.size() == 210);
            await().atMost(Duration.ofSeconds(30)).until(() -> committed("live").equals(Map.of(0, 105L, 1, 105L)));

            assertThat(tool("--list").lines().toList()).contains("tools", "live");
            assertThat(firstColumn(tool("--list", "--state", "Empty"))).contains("tools").doesNotContain("live");
            assertThat(firstColumn(tool("--list", "--state", "Stable"))).contains("live").doesNotContain("tools");

            Map<Integer, Map<String, String>> idle = rows(tool("--describe", "--group", "tools"));
            assertThat(idle.get(0)).containsEntry("CURRENT-OFFSET", "30").containsEntry("LOG-END-OFFSET", "105").containsEntry("LAG", "75");
            assertThat(idle.get(1)).containsEntry("CURRENT-OFFSET", "40").containsEntry("LOG-END-OFFSET", "105").containsEntry("LAG", "65");
            Map<Integer, Map<String, String>> busy = rows(tool("--describe", "--group", "live"));
            assertThat(busy.values()).allSatisfy(r -> {
                assertThat(r).containsEntry("LAG", "0").containsEntry("CURRENT-OFFSET", "105");
                assertThat(r.get("CONSUMER-ID")).startsWith("consumer-live-");
            });
            String members = tool("--describe", "--group", "live", "--members");
            assertThat(members).contains("consumer-live-").contains("#PARTITIONS");

            String refused = tool("--delete", "--group", "live");
            assertThat(refused).contains("not empty");
        }

        tool("--reset-offsets", "--group", "tools", "--topic", TOPIC, "--to-earliest", "--execute");
        assertThat(committed("tools")).isEqualTo(Map.of(0, 0L, 1, 0L));
        assertThat(nextRead("tools")).isEqualTo(Map.of(0, 0L, 1, 0L));

        String dryRun = tool("--reset-offsets", "--group", "tools", "--topic", TOPIC, "--to-offset", "7", "--dry-run");
        assertThat(dryRun).contains("NEW-OFFSET");
        assertThat(committed("tools")).as("a dry run changes nothing").isEqualTo(Map.of(0, 0L, 1, 0L));

        tool("--reset-offsets", "--group", "tools", "--topic", TOPIC, "--to-offset", "7", "--execute");
        assertThat(nextRead("tools")).isEqualTo(Map.of(0, 7L, 1, 7L));

        tool("--reset-offsets", "--group", "tools", "--topic", TOPIC + ":1", "--shift-by", "-2", "--execute");
        assertThat(nextRead("tools")).isEqualTo(Map.of(0, 7L, 1, 5L));

        String at = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochMilli(base + 50_000));
        tool("--reset-offsets", "--group", "tools", "--topic", TOPIC, "--to-datetime", at, "--execute");
        // record 50 (p0 offset 25) is the first at or after base+50 s; on p1 record 51 (offset 25).
        assertThat(nextRead("tools")).isEqualTo(Map.of(0, 25L, 1, 25L));

        tool("--reset-offsets", "--group", "tools", "--topic", TOPIC, "--to-latest", "--execute");
        assertThat(committed("tools")).isEqualTo(Map.of(0, 105L, 1, 105L));
        produce(210, 212);
        assertThat(nextRead("tools")).isEqualTo(Map.of(0, 105L, 1, 105L));

        String deletedOffsets = tool("--delete-offsets", "--group", "tools", "--topic", TOPIC);
        assertThat(deletedOffsets).doesNotContain("Error");
        assertThat(committed("tools")).isEmpty();
        assertThat(nextRead("tools")).as("no committed offset: auto.offset.reset=earliest").isEqualTo(Map.of(0, 0L, 1, 0L));

        commit("tools", 3, 4);
        String deleted = tool("--delete", "--group", "tools");
        assertThat(deleted).contains("successful");
        assertThat(tool("--list").lines().toList()).doesNotContain("tools");
        assertThat(committed("tools")).isEmpty();
        // As against Kafka 4: DescribeGroups v6 answers GROUP_ID_NOT_FOUND for a group that is gone.
        assertThat(tool("--describe", "--group", "tools")).contains("Group tools not found");
    }
}

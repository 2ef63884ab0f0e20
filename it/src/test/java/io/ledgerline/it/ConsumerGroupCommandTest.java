package io.ledgerline.it;

import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.GroupMember;
import io.ledgerline.it.harness.Groups;
import io.ledgerline.it.harness.SharedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka's own kafka-consumer-groups (ConsumerGroupCommand from kafka-tools) against the broker: --list (with
 * --state), --describe (the LAG column, --members), --reset-offsets with --to-earliest, --to-offset,
 * --shift-by, --to-datetime, --to-latest and --execute (and --dry-run), --delete-offsets and --delete; each
 * result checked by what a consumer of the group reads next.
 *
 * <p>The tool runs in the test JVM: its Exit calls are intercepted (they throw), so it never ends the JVM,
 * and it prints to System.out, captured per call (the suite runs its tests one at a time).
 */
@ExtendWith(SharedBroker.class)
class ConsumerGroupCommandTest {
    private BrokerTarget broker;
    private Admin admin;
    private String topic;
    /** Record i has timestamp base + i seconds and goes to partition i % 2 (offset i / 2 there). */
    private long base;

    /** Thrown by the intercepted Exit: the tool wanted to end the JVM. */
    private static final class ExitCalled extends RuntimeException {
        final int code;

        ExitCalled(int code, String message) {
            super("exit " + code + ": " + message);
            this.code = code;
        }
    }

    @BeforeEach
    void setUp(BrokerTarget sharedBroker) throws Exception {
        broker = sharedBroker;
        admin = Clients.admin(broker);
        topic = Clients.uniqueTopic("consumer-groups-tool");
        Clients.createTopic(admin, topic, 2, Map.of());
        base = (System.currentTimeMillis() / 1000) * 1000 - 3_600_000;
        produce(0, 200);
        Exit.setExitProcedure((code, message) -> {
            throw new ExitCalled(code, message);
        });
    }

    @AfterEach
    void tearDown() {
        Exit.resetExitProcedure();
        admin.close();
    }

    private void produce(int from, int to) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, base + i * 1000L, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** Runs kafka-consumer-groups with {@code args}; returns what it printed (stdout then stderr). */
    private String tool(String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrapServers()));
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

    /** Rows of --describe output for the topic: partition to its columns. */
    private Map<Integer, Map<String, String>> rows(String describe) {
        Map<Integer, Map<String, String>> rows = new HashMap<>();
        List<String> header = null;
        for (String line : describe.split("\n")) {
            List<String> cols = Arrays.stream(line.trim().split("\\s+")).toList();
            if (cols.contains("PARTITION") && cols.contains("LAG")) {
                header = cols;
            } else if (header != null && cols.size() >= header.size() - 1 && cols.size() > 2 && cols.get(1).equals(topic)) {
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < Math.min(header.size(), cols.size()); i++) row.put(header.get(i), cols.get(i));
                rows.put(Integer.parseInt(row.get("PARTITION")), row);
            }
        }
        return rows;
    }

    private void commit(String group, long p0, long p1) {
        try (KafkaConsumer<byte[], byte[]> c = Groups.consumer(broker, group, Map.of())) {
            c.subscribe(List.of(topic));
            await().atMost(Clients.PATIENCE).until(() -> {
                c.poll(Duration.ofMillis(100));
                return c.assignment().size() == 2;
            });
            c.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(p0), new TopicPartition(topic, 1), new OffsetAndMetadata(p1)));
        }
    }

    /** What a consumer of {@code group} reads next: the first offset it gets from each partition (it commits nothing). */
    private Map<Integer, Long> nextRead(String group) {
        Map<Integer, Long> first = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = Groups.consumer(broker, group, Map.of())) {
            c.subscribe(List.of(topic));
            await().atMost(Clients.PATIENCE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) first.putIfAbsent(r.partition(), r.offset());
                return first.size() == 2;
            });
        }
        return first;
    }

    @Test
    void listDescribeResetDeleteAsKafkasToolDoes() throws Exception {
        String idle = Clients.uniqueTopic("tools");
        String live = Clients.uniqueTopic("live");
        commit(idle, 30, 40);
        produce(200, 210); // log ends: p0 105, p1 105
        try (GroupMember member = new GroupMember("live", Groups.consumer(broker, live, Map.of()), topic)) {
            await().atMost(Clients.PATIENCE).until(() -> member.processed.size() == 210);
            await().atMost(Clients.PATIENCE).until(() -> Groups.committed(admin, live).equals(Map.of(0, 105L, 1, 105L)));

            assertThat(tool("--list").lines().toList()).contains(idle, live);
            assertThat(firstColumn(tool("--list", "--state", "Empty"))).contains(idle).doesNotContain(live);
            assertThat(firstColumn(tool("--list", "--state", "Stable"))).contains(live).doesNotContain(idle);

            Map<Integer, Map<String, String>> idleRows = rows(tool("--describe", "--group", idle));
            assertThat(idleRows.get(0)).containsEntry("CURRENT-OFFSET", "30").containsEntry("LOG-END-OFFSET", "105").containsEntry("LAG", "75");
            assertThat(idleRows.get(1)).containsEntry("CURRENT-OFFSET", "40").containsEntry("LOG-END-OFFSET", "105").containsEntry("LAG", "65");
            Map<Integer, Map<String, String>> liveRows = rows(tool("--describe", "--group", live));
            assertThat(liveRows).hasSize(2);
            assertThat(liveRows.values()).allSatisfy(r -> {
                assertThat(r).containsEntry("LAG", "0").containsEntry("CURRENT-OFFSET", "105");
                assertThat(r.get("CONSUMER-ID")).startsWith("consumer-" + live + "-");
            });
            assertThat(tool("--describe", "--group", live, "--members")).contains("consumer-" + live + "-").contains("#PARTITIONS");

            assertThat(tool("--delete", "--group", live)).contains("not empty");
        }

        tool("--reset-offsets", "--group", idle, "--topic", topic, "--to-earliest", "--execute");
        assertThat(Groups.committed(admin, idle)).isEqualTo(Map.of(0, 0L, 1, 0L));
        assertThat(nextRead(idle)).isEqualTo(Map.of(0, 0L, 1, 0L));

        assertThat(tool("--reset-offsets", "--group", idle, "--topic", topic, "--to-offset", "7", "--dry-run")).contains("NEW-OFFSET");
        assertThat(Groups.committed(admin, idle)).as("a dry run changes nothing").isEqualTo(Map.of(0, 0L, 1, 0L));

        tool("--reset-offsets", "--group", idle, "--topic", topic, "--to-offset", "7", "--execute");
        assertThat(nextRead(idle)).isEqualTo(Map.of(0, 7L, 1, 7L));

        tool("--reset-offsets", "--group", idle, "--topic", topic + ":1", "--shift-by", "-2", "--execute");
        assertThat(nextRead(idle)).isEqualTo(Map.of(0, 7L, 1, 5L));

        String at = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC)
                .format(Instant.ofEpochMilli(base + 50_000));
        tool("--reset-offsets", "--group", idle, "--topic", topic, "--to-datetime", at, "--execute");
        // Record 50 (p0 offset 25) is the first at or after base+50 s; on p1 it is record 51 (offset 25).
        assertThat(nextRead(idle)).isEqualTo(Map.of(0, 25L, 1, 25L));

        tool("--reset-offsets", "--group", idle, "--topic", topic, "--to-latest", "--execute");
        assertThat(Groups.committed(admin, idle)).isEqualTo(Map.of(0, 105L, 1, 105L));
        produce(210, 212);
        assertThat(nextRead(idle)).isEqualTo(Map.of(0, 105L, 1, 105L));

        assertThat(tool("--delete-offsets", "--group", idle, "--topic", topic)).doesNotContain("Error");
        assertThat(Groups.committed(admin, idle)).isEmpty();
        assertThat(nextRead(idle)).as("no committed offset: auto.offset.reset=earliest").isEqualTo(Map.of(0, 0L, 1, 0L));

        commit(idle, 3, 4);
        assertThat(tool("--delete", "--group", idle)).contains("successful");
        assertThat(tool("--list").lines().toList()).doesNotContain(idle);
        assertThat(Groups.committed(admin, idle)).isEmpty();
        assertThat(tool("--describe", "--group", idle)).contains("Group " + idle + " not found");
    }

    @Test
    void refusesWhatKafkaRefusesAndResetsAGroupThatDoesNotExistYet() throws Exception {
        String live = Clients.uniqueTopic("live");
        try (GroupMember member = new GroupMember("live", Groups.consumer(broker, live, Map.of()), topic)) {
            await().atMost(Clients.PATIENCE).until(() -> member.processed.size() == 200);
            await().atMost(Clients.PATIENCE).until(() -> Groups.committed(admin, live).equals(Map.of(0, 100L, 1, 100L)));

            String state = tool("--describe", "--group", live, "--state");
            assertThat(state).containsPattern(live + "\\s+\\S+\\s+\\(\\d+\\)\\s+range\\s+Stable\\s+1");
            assertThat(tool("--list", "--type", "classic").lines().map(String::trim).toList()).anySatisfy(l -> assertThat(l).matches(live + "\\s+Classic"));

            assertThat(tool("--delete-offsets", "--group", live, "--topic", topic)).contains("GroupSubscribedToTopicException");
            assertThat(tool("--reset-offsets", "--group", live, "--topic", topic, "--to-earliest", "--execute"))
                    .contains("can only be reset if the group '" + live + "' is inactive, but the current state is Stable");
            assertThat(Groups.committed(admin, live)).as("refused: nothing changed").isEqualTo(Map.of(0, 100L, 1, 100L));
        }
        assertThat(tool("--describe", "--group", live, "--state")).contains("has no active members").containsPattern(live + ".*Empty\\s+0");

        String none = Clients.uniqueTopic("none");
        assertThat(tool("--describe", "--group", none)).contains("GroupIdNotFoundException: Group " + none + " not found");
        assertThat(tool("--delete", "--group", none)).contains("GroupIdNotFoundException");
        assertThat(tool("--delete-offsets", "--group", none, "--topic", topic)).contains("GroupIdNotFoundException");

        // Resetting a group nobody has used creates it with those offsets (an admin commit to an empty group).
        String fresh = Clients.uniqueTopic("fresh");
        tool("--reset-offsets", "--group", fresh, "--topic", topic, "--to-offset", "60", "--execute");
        assertThat(Groups.committed(admin, fresh)).isEqualTo(Map.of(0, 60L, 1, 60L));
        assertThat(rows(tool("--describe", "--group", fresh)).values()).hasSize(2)
                .allSatisfy(r -> assertThat(r).containsEntry("CURRENT-OFFSET", "60").containsEntry("LAG", "40"));
        assertThat(nextRead(fresh)).isEqualTo(Map.of(0, 60L, 1, 60L));
    }
}

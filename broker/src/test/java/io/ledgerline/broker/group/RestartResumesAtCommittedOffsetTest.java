package io.ledgerline.broker.group;

import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer restart resumes at the committed offset; a clean broker restart keeps every committed offset, and
 * a consumer group that keeps running across it re-forms and goes on where it was.
 */
class RestartResumesAtCommittedOffsetTest {
    @TempDir
    Path dir;
    TestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private static List<String> pollAtLeast(KafkaConsumer<String, String> c, int n) {
        List<String> out = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) out.add(r.value());
            return out.size() >= n;
        });
        return out;
    }

    @Test
    void consumerRestartResumesAtTheCommittedOffset() throws Exception {
        broker = TestBroker.over(dir).groupTimers().start();
        broker.createTopic("one", 1);
        broker.produce("one", 1, 0, 200);
        TopicPartition tp = new TopicPartition("one", 0);
        try (KafkaConsumer<String, String> c = broker.consumer("resume", Map.of("max.poll.records", "50"))) {
            c.subscribe(List.of("one"));
            List<String> first = pollAtLeast(c, 50);
            assertThat(first.subList(0, 50)).containsExactlyElementsOf(values(0, 50));
            c.commitSync(Map.of(tp, new OffsetAndMetadata(50, "after v49")));
        }
        try (KafkaConsumer<String, String> c = broker.consumer("resume", Map.of())) {
            c.subscribe(List.of("one"));
            List<String> rest = pollAtLeast(c, 150);
            assertThat(rest).containsExactlyElementsOf(values(50, 200));
            OffsetAndMetadata committed = c.committed(java.util.Set.of(tp)).get(tp);
            assertThat(committed.offset()).isEqualTo(50);
            assertThat(committed.metadata()).isEqualTo("after v49");
        }
    }

    @Test
    void brokerRestartKeepsCommittedOffsetsAndTheGroupReforms() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        broker = TestBroker.over(dir).groupTimers().settings(Map.of("listen", "127.0.0.1:" + port)).start();
        broker.createTopic("kept", 3);
        broker.produce("kept", 3, 0, 300);
        // A group that committed and left, and a group that is running when the broker restarts.
        try (KafkaConsumer<String, String> c = broker.consumer("left", Map.of())) {
            c.subscribe(List.of("kept"));
            pollAtLeast(c, 300);
            c.commitSync();
        }
        Map<TopicPartition, OffsetAndMetadata> before = offsets("left");
        assertThat(before.values()).extracting(OffsetAndMetadata::offset).containsOnly(100L);
        try (ConsumerLoop running = new ConsumerLoop("running", broker.consumer("running", Map.of()), "kept")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> running.processed.size() == 300);
            int generation = running.generation;
            broker.restart();
            assertThat(offsets("left")).isEqualTo(before);
            broker.produce("kept", 3, 300, 300);
            await().atMost(Duration.ofSeconds(60)).until(() -> running.processed.size() >= 600);
            assertThat(running.processed).containsExactlyInAnyOrderElementsOf(values(0, 600));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(offsets("running").values()).extracting(OffsetAndMetadata::offset).containsOnly(200L));
            assertThat(running.failure.get()).isNull();
            System.out.println("generation before the broker restart " + generation + ", after " + running.generation);
            assertThat(broker.admin().describeConsumerGroups(List.of("running")).all().get(30, TimeUnit.SECONDS)
                    .get("running").members()).hasSize(1);
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> offsets(String group) throws Exception {
        return broker.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
    }

    private static List<String> values(int from, int to) {
        List<String> v = new ArrayList<>();
        for (int i = from; i < to; i++) v.add("v" + i);
        return v;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

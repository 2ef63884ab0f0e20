package io.ledgerline.it;

import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.GroupMember;
import io.ledgerline.it.harness.Groups;
import io.ledgerline.it.harness.SharedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer restart resumes at the committed offset (with its metadata); a clean broker restart keeps every
 * committed offset, and a group that keeps running across it re-forms and goes on where it was.
 */
@ExtendWith(SharedBroker.class)
class CommittedOffsetsTest {

    private static List<String> pollAtLeast(KafkaConsumer<byte[], byte[]> c, int n) {
        List<String> out = new ArrayList<>();
        await().atMost(Clients.PATIENCE).until(() -> {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) out.add(new String(r.value(), StandardCharsets.UTF_8));
            return out.size() >= n;
        });
        return out;
    }

    @Test
    void aRestartedConsumerResumesAtTheCommittedOffset(BrokerTarget broker) throws Exception {
        String topic = Clients.uniqueTopic("resume");
        String group = Clients.uniqueTopic("resume-group");
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = Clients.admin(broker)) {
            Clients.createTopic(admin, topic, 1, Map.of());
        }
        Groups.produce(broker, topic, 1, 0, 200);
        try (KafkaConsumer<byte[], byte[]> c = Groups.consumer(broker, group, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50))) {
            c.subscribe(List.of(topic));
            List<String> first = pollAtLeast(c, 50);
            assertThat(first.subList(0, 50)).containsExactlyElementsOf(Groups.values(0, 50));
            c.commitSync(Map.of(tp, new OffsetAndMetadata(50, "after v49")));
        }
        try (KafkaConsumer<byte[], byte[]> c = Groups.consumer(broker, group, Map.of())) {
            c.subscribe(List.of(topic));
            assertThat(pollAtLeast(c, 150)).containsExactlyElementsOf(Groups.values(50, 200));
            OffsetAndMetadata committed = c.committed(Set.of(tp)).get(tp);
            assertThat(committed.offset()).isEqualTo(50);
            assertThat(committed.metadata()).isEqualTo("after v49");
        }
    }

    @Test
    void aBrokerRestartKeepsCommittedOffsetsAndTheGroupReforms() throws Exception {
        String topic = "kept";
        try (BrokerTarget broker = BrokerTarget.start(SharedBroker.SETTINGS)) {
            Admin admin = Clients.admin(broker);
            try (admin) {
                Clients.createTopic(admin, topic, 3, Map.of());
                Groups.produce(broker, topic, 3, 0, 300);
                // A group that committed and left, and a group that is running when the broker restarts.
                try (KafkaConsumer<byte[], byte[]> c = Groups.consumer(broker, "left", Map.of())) {
                    c.subscribe(List.of(topic));
                    pollAtLeast(c, 300);
                    c.commitSync();
                }
                Map<TopicPartition, OffsetAndMetadata> before = Groups.committedOffsets(admin, "left");
                assertThat(before).hasSize(3);
                assertThat(before.values()).extracting(OffsetAndMetadata::offset).containsOnly(100L);
                try (GroupMember running = new GroupMember("running", Groups.consumer(broker, "running", Map.of()), topic)) {
                    await().atMost(Clients.PATIENCE).until(() -> running.processed.size() == 300);
                    await().atMost(Clients.PATIENCE).until(() -> Groups.committed(admin, "running").equals(Map.of(0, 100L, 1, 100L, 2, 100L)));
                    int generation = running.generation;
                    long restartAt = System.nanoTime();
                    broker.restart();
                    System.out.printf("[it] %s restarted in %d ms%n", broker.name(), (System.nanoTime() - restartAt) / 1_000_000);
                    await().atMost(Clients.PATIENCE).ignoreExceptions().untilAsserted(() ->
                            assertThat(Groups.committedOffsets(admin, "left")).isEqualTo(before));
                    Groups.produce(broker, topic, 3, 300, 300);
                    await().atMost(Clients.PATIENCE).until(() -> running.processed.size() >= 600);
                    assertThat(running.processed).as("each once, none skipped").containsExactlyInAnyOrderElementsOf(Groups.values(0, 600));
                    await().atMost(Clients.PATIENCE).ignoreExceptions().untilAsserted(() ->
                            assertThat(Groups.committed(admin, "running")).isEqualTo(Map.of(0, 200L, 1, 200L, 2, 200L)));
                    assertThat(running.failure.get()).isNull();
                    System.out.printf("[it] generation before the broker restart %d, after %d%n", generation, running.generation);
                    assertThat(admin.describeConsumerGroups(List.of("running")).all().get(Clients.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
                            .get("running").members()).as("the group re-formed with its one member").hasSize(1);
                }
            }
        }
    }
}

package io.ledgerline.broker.group;

import io.ledgerline.broker.testkit.ClientProps;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three consumers over six partitions: assignments are disjoint and cover every partition; when one closes
 * (LeaveGroup) and when one is SIGKILLed (no LeaveGroup: only its session timeout tells), the survivors take
 * its partitions.
 */
class ThreeConsumersSixPartitionsTest {
    static final String TOPIC = "six";
    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.over(dir).groupTimers().start();
        broker.createTopic(TOPIC, 6);
    }

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private static void assertDisjointCover(List<Set<Integer>> assignments, int members) {
        assertThat(assignments).hasSize(members);
        Set<Integer> union = new HashSet<>();
        int total = 0;
        for (Set<Integer> a : assignments) {
            assertThat(a).as("every member gets partitions").isNotEmpty();
            union.addAll(a);
            total += a.size();
        }
        assertThat(union).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 6).boxed().toList());
        assertThat(total).as("no partition is assigned twice").isEqualTo(6);
    }

    private static Set<Integer> of(ConsumerLoop c) {
        return c.assignment.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }

    @Test
    void survivorsTakeOverFromAClosedAndFromAKilledMember() throws Exception {
        ConsumerLoop a = new ConsumerLoop("a", broker.consumer("g", Map.of()), TOPIC);
        ConsumerLoop b = new ConsumerLoop("b", broker.consumer("g", Map.of()), TOPIC);
        ConsumerLoop c = new ConsumerLoop("c", broker.consumer("g", Map.of()), TOPIC);
        try (a; b) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertDisjointCover(List.of(of(a), of(b), of(c)), 3));
            assertThat(List.of(of(a), of(b), of(c))).allSatisfy(s -> assertThat(s).hasSize(2));

            long closedAt = System.nanoTime();
            c.close(); // LeaveGroup
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertDisjointCover(List.of(of(a), of(b)), 2));
            System.out.println("survivors took over the closed member's partitions in " + (System.nanoTime() - closedAt) / 1_000_000
                    + " ms (heartbeat interval " + ClientProps.GROUP_HEARTBEAT_INTERVAL_MS + " ms)");

            try (ChildConsumerProcess killed = new ChildConsumerProcess(broker.bootstrap(), "g", TOPIC, 0)) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertDisjointCover(List.of(of(a), of(b), Set.copyOf(killed.assignment)), 3));
                long killedAt = System.nanoTime();
                killed.kill9();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertDisjointCover(List.of(of(a), of(b)), 2));
                long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.println("survivors took over the killed member's partitions in " + tookMs + " ms (session timeout "
                        + ClientProps.GROUP_SESSION_TIMEOUT_MS + " ms)");
                // Session timeout, then the survivors learn of the rebalance at their next heartbeat and rejoin.
                assertThat(tookMs).isLessThan(ClientProps.GROUP_SESSION_TIMEOUT_MS + 4 * ClientProps.GROUP_HEARTBEAT_INTERVAL_MS + 2000);
            }
            assertThat(a.failure.get()).isNull();
            assertThat(b.failure.get()).isNull();
        }
    }
}

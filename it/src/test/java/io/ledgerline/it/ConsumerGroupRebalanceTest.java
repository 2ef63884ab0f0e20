package io.ledgerline.it;

import io.ledgerline.it.harness.ChildGroupMember;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.GroupMember;
import io.ledgerline.it.harness.Groups;
import io.ledgerline.it.harness.Seeds;
import io.ledgerline.it.harness.SharedBrokerTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.ledgerline.it.harness.Groups.assertDisjointCover;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three consumers over six partitions: the assignment is disjoint and covers every partition; the survivors
 * take over the partitions of a member that closes (LeaveGroup) and of one SIGKILLed in a child JVM (only its
 * session timeout tells); with the cooperative sticky assignor the survivors revoke nothing; with
 * commit-after-processing a member killed mid-batch loses and skips nothing.
 */
class ConsumerGroupRebalanceTest extends SharedBrokerTest {
    private static final int PARTITIONS = 6;

    private static String sixPartitionTopic(String prefix) throws Exception {
        String topic = Clients.uniqueTopic(prefix);
        Clients.createTopic(admin, topic, PARTITIONS, Map.of());
        return topic;
    }

    @Test
    void survivorsTakeOverFromAClosedAndFromAKilledMember() throws Exception {
        String topic = sixPartitionTopic("three-of-six");
        String group = Clients.uniqueTopic("three-of-six-group");
        GroupMember a = new GroupMember("a", Groups.consumer(broker, group, Map.of()), topic);
        GroupMember b = new GroupMember("b", Groups.consumer(broker, group, Map.of()), topic);
        GroupMember c = new GroupMember("c", Groups.consumer(broker, group, Map.of()), topic);
        try (a; b; c) {
            await().atMost(Clients.PATIENCE).untilAsserted(() -> {
                assertDisjointCover(List.of(a.partitions(), b.partitions(), c.partitions()), PARTITIONS);
                assertThat(List.of(a.partitions(), b.partitions(), c.partitions())).allSatisfy(s -> assertThat(s).hasSize(2));
            });

            long closedAt = System.nanoTime();
            c.close(); // LeaveGroup
            await().atMost(Clients.PATIENCE).untilAsserted(() -> assertDisjointCover(List.of(a.partitions(), b.partitions()), PARTITIONS));
            System.out.printf("[it] survivors took over the closed member's partitions in %d ms%n", (System.nanoTime() - closedAt) / 1_000_000);

            try (ChildGroupMember killed = new ChildGroupMember(broker, group, topic, 0)) {
                await().atMost(Clients.PATIENCE).untilAsserted(() ->
                        assertDisjointCover(List.of(a.partitions(), b.partitions(), Set.copyOf(killed.assignment)), PARTITIONS));
                long killedAt = System.nanoTime();
                System.out.printf("[it] SIGKILL to the third member at %s%n", java.time.LocalTime.now());
                killed.kill9();
                await().atMost(Clients.PATIENCE).untilAsserted(() -> assertDisjointCover(List.of(a.partitions(), b.partitions()), PARTITIONS));
                long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.printf("[it] survivors took over the killed member's partitions in %d ms (session timeout %d ms)%n",
                        tookMs, Groups.SESSION_TIMEOUT_MS);
                // The session timeout, then the survivors hear of the rebalance at a heartbeat and rejoin.
                assertThat(tookMs).isLessThan(Groups.SESSION_TIMEOUT_MS + 4L * Groups.HEARTBEAT_INTERVAL_MS + 3000);
            }
            assertThat(a.failure.get()).isNull();
            assertThat(b.failure.get()).isNull();
        }
    }

    @Test
    void withTheCooperativeAssignorSurvivorsKeepTheirPartitionsAndGainTheLeaversOnes() throws Exception {
        String topic = sixPartitionTopic("cooperative");
        String group = Clients.uniqueTopic("cooperative-group");
        Map<String, Object> cooperative = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        GroupMember a = new GroupMember("a", Groups.consumer(broker, group, cooperative), topic);
        GroupMember b = new GroupMember("b", Groups.consumer(broker, group, cooperative), topic);
        GroupMember c = new GroupMember("c", Groups.consumer(broker, group, cooperative), topic);
        try (a; b; c) {
            await().atMost(Clients.PATIENCE).untilAsserted(() -> {
                assertDisjointCover(List.of(a.partitions(), b.partitions(), c.partitions()), PARTITIONS);
                assertThat(List.of(a.partitions(), b.partitions(), c.partitions())).allSatisfy(s -> assertThat(s).hasSize(2));
            });
            Set<TopicPartition> aBefore = Set.copyOf(a.assignment);
            Set<TopicPartition> bBefore = Set.copyOf(b.assignment);
            Set<TopicPartition> cBefore = Set.copyOf(c.assignment);
            // Forming the group may have moved partitions; from here on the survivors must revoke nothing.
            a.revoked.clear();
            b.revoked.clear();

            c.close(); // LeaveGroup
            await().atMost(Clients.PATIENCE).untilAsserted(() -> {
                assertDisjointCover(List.of(a.partitions(), b.partitions()), PARTITIONS);
                assertThat(List.of(a.partitions(), b.partitions())).allSatisfy(s -> assertThat(s).hasSize(3));
            });
            assertThat(a.revoked).as("partitions a revoked after c left").isEmpty();
            assertThat(b.revoked).as("partitions b revoked after c left").isEmpty();
            assertThat(a.lost).isEmpty();
            assertThat(b.lost).isEmpty();
            assertThat(a.assignment).containsAll(aBefore);
            assertThat(b.assignment).containsAll(bBefore);
            Set<TopicPartition> gained = new HashSet<>(a.assignment);
            gained.addAll(b.assignment);
            gained.removeAll(aBefore);
            gained.removeAll(bBefore);
            assertThat(gained).as("what the survivors gained is what c had").isEqualTo(cBefore);
            assertThat(a.failure.get()).isNull();
            assertThat(b.failure.get()).isNull();
        }
    }

    @Test
    void commitAfterProcessingWithAMemberKilledMidBatchLosesAndSkipsNothing() throws Exception {
        int records = 3000;
        long seed = Seeds.seed("ConsumerGroupRebalanceTest.commitAfterProcessing");
        int killAfter = 100 + new Random(seed).nextInt(400);
        String topic = sixPartitionTopic("killed-mid-batch");
        String group = Clients.uniqueTopic("killed-mid-batch-group");
        Groups.produce(broker, topic, PARTITIONS, 0, records);

        try (ChildGroupMember victim = new ChildGroupMember(broker, group, topic, 2)) {
            await().atMost(Clients.PATIENCE).until(() -> victim.assignment.size() == PARTITIONS && victim.processed.size() >= killAfter);
            // A survivor joins; the rebalance moves half of the partitions to it, then the victim dies mid-batch.
            try (GroupMember survivor = new GroupMember("survivor", Groups.consumer(broker, group, Map.of()), topic)) {
                await().atMost(Clients.PATIENCE).until(() -> survivor.assignment.size() == PARTITIONS / 2);
                victim.kill9();
                int victimProcessed = victim.processed.size();
                System.out.printf("[it] victim processed %d records before SIGKILL (kill point %d)%n", victimProcessed, killAfter);
                Set<String> all = Set.copyOf(Groups.values(0, records));
                await().atMost(Clients.PATIENCE).untilAsserted(() -> {
                    Set<String> seen = new HashSet<>(survivor.processed);
                    seen.addAll(victim.processed);
                    assertThat(seen).containsAll(all);
                });
                await().atMost(Clients.PATIENCE).untilAsserted(() ->
                        assertThat(Groups.committed(admin, group)).hasSize(PARTITIONS).allSatisfy((p, o) -> assertThat(o).isEqualTo(records / PARTITIONS)));
                Set<String> seen = new HashSet<>(survivor.processed);
                seen.addAll(victim.processed);
                assertThat(seen).as("nothing but what was produced").isEqualTo(all);
                assertThat(victimProcessed).isGreaterThanOrEqualTo(killAfter);
                assertThat(survivor.failure.get()).isNull();
            }
        }
    }
}

package io.ledgerline.broker.group;

import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Static membership (group.instance.id): a member restarted within its session timeout gets its assignment back
 * without a rebalance (the generation does not change); a second live member with the same instance id fences
 * the first (FENCED_INSTANCE_ID, fatal for that consumer).
 */
class StaticMembershipTest {
    static final String TOPIC = "static";
    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        // A long session: the restarted member must come back within it, on a slow shared machine too.
        broker = TestBroker.over(dir).groupTimers().start();
        broker.createTopic(TOPIC, 4);
    }

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private ConsumerLoop member(String instance) {
        return new ConsumerLoop(instance, broker.consumer("statics", Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000")), TOPIC);
    }

    private ConsumerGroupDescription describe() throws Exception {
        return broker.admin().describeConsumerGroups(List.of("statics")).all().get(30, TimeUnit.SECONDS).get("statics");
    }

    @Test
    void restartWithinTheSessionKeepsTheAssignmentWithoutARebalance() throws Exception {
        ConsumerLoop one = member("one");
        ConsumerLoop two = member("two");
        try (two) {
            await().atMost(Duration.ofSeconds(60)).until(() -> one.assignment.size() == 2 && two.assignment.size() == 2
                    && one.generation > 0 && two.generation > 0);
            int generation = one.generation;
            Set<?> before = Set.copyOf(one.assignment);
            String memberIdBefore = describe().members().stream().filter(m -> m.groupInstanceId().orElse("").equals("one"))
                    .findFirst().orElseThrow().consumerId();
            one.close(); // a static member sends no LeaveGroup
            ConsumerLoop again = member("one");
            try (again) {
                await().atMost(Duration.ofSeconds(30)).until(() -> again.assignment.size() == 2 && again.generation > 0);
                assertThat(Set.copyOf(again.assignment)).isEqualTo(before);
                assertThat(again.generation).as("no rebalance").isEqualTo(generation);
                assertThat(two.generation).isEqualTo(generation);
                ConsumerGroupDescription d = describe();
                assertThat(d.members()).hasSize(2);
                assertThat(d.members()).extracting(m -> m.groupInstanceId().orElse(null)).containsExactlyInAnyOrder("one", "two");
                assertThat(d.members()).extracting(m -> m.consumerId()).doesNotContain(memberIdBefore);
                assertThat(again.failure.get()).isNull();
                assertThat(two.failure.get()).isNull();
            }
        }
    }

    @Test
    void aDuplicateInstanceIdFencesTheOlderMember() throws Exception {
        ConsumerLoop first = member("same");
        try (first) {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.assignment.size() == 4);
            ConsumerLoop second = member("same");
            try (second) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(first.failure.get()).isInstanceOf(FencedInstanceIdException.class));
                await().atMost(Duration.ofSeconds(30)).until(() -> second.assignment.size() == 4);
                assertThat(second.failure.get()).isNull();
                assertThat(describe().members()).hasSize(1);
            }
        }
    }
}

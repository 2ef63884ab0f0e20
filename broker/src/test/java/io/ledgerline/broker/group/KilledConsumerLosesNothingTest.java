package io.ledgerline.broker.group;

import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Commit-after-processing with a consumer SIGKILLed in the middle of a batch: its uncommitted records are
 * processed again by the survivor, nothing is skipped, and the group ends committed at the log end of every
 * partition. The kill point is random (seeded; the seed is printed, rerun with -Dseed=N).
 */
class KilledConsumerLosesNothingTest {
    static final String TOPIC = "work";
    static final int RECORDS = 3000;
    @TempDir
    Path dir;
    TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.over(dir).groupTimers().start();
        broker.createTopic(TOPIC, 6);
        broker.produce(TOPIC, 6, 0, RECORDS);
    }

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    @Test
    void everyRecordIsProcessedAtLeastOnce() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("KilledConsumerLosesNothingTest seed " + seed);
        int killAfter = 100 + new Random(seed).nextInt(400);
        Set<String> all = new HashSet<>();
        IntStream.range(0, RECORDS).forEach(i -> all.add("v" + i));

        ChildConsumerProcess victim = new ChildConsumerProcess(broker.bootstrap(), "workers", TOPIC, 2);
        try (victim) {
            await().atMost(Duration.ofSeconds(60)).until(() -> victim.assignment.size() == 6 && victim.processed.size() >= killAfter);
            // A survivor joins; the rebalance moves half of the partitions to it, then the victim dies mid-batch.
            try (ConsumerLoop survivor = new ConsumerLoop("survivor", broker.consumer("workers", Map.of()), TOPIC)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> survivor.assignment.size() == 3);
                victim.kill9();
                int victimProcessed = victim.processed.size();
                System.out.println("victim processed " + victimProcessed + " before SIGKILL (kill point " + killAfter + ")");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    Set<String> seen = new HashSet<>(survivor.processed);
                    seen.addAll(victim.processed);
                    assertThat(seen).containsAll(all);
                });
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = broker.admin().listConsumerGroupOffsets("workers")
                            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                    assertThat(committed).hasSize(6);
                    assertThat(committed.values()).extracting(OffsetAndMetadata::offset)
                            .allSatisfy(o -> assertThat(o).isEqualTo(RECORDS / 6L));
                });
                Set<String> seen = new HashSet<>(survivor.processed);
                seen.addAll(victim.processed);
                assertThat(seen).hasSize(RECORDS); // nothing outside what was produced
                assertThat(survivor.failure.get()).isNull();
                assertThat(List.of(victimProcessed)).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(killAfter));
            }
        }
    }
}

package io.ledgerline.client;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PartitionStateTest {
    private static final TopicPartition TP = new TopicPartition("in", 0);

    private static Work work(PartitionState ps, Ordering ordering, long offset, String key) {
        byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        return new Work(new ConsumerRecord<>(TP.topic(), TP.partition(), offset, k, new byte[0]), ps, ordering);
    }

    private static List<Long> offsets(ArrayDeque<Work> ready) {
        return ready.stream().map(Work::offset).toList();
    }

    @Test
    void keyOrderingStartsOneRecordPerKeyAndHandsOnInOffsetOrder() {
        PartitionState ps = new PartitionState(TP, OffsetTracker.load(0, "", 1000), Ordering.KEY);
        ArrayDeque<Work> ready = new ArrayDeque<>();
        String[] keys = {"a", "b", "a", null, "b", null, "c"};
        List<Work> works = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            assertThat(ps.tracker.polled(i)).isTrue();
            Work w = work(ps, Ordering.KEY, i, keys[i]);
            works.add(w);
            ps.add(w, ready);
        }
        // a@0, b@1, null@3, c@6 may start; a@2, b@4, null@5 wait behind their key
        assertThat(offsets(ready)).containsExactly(0L, 1L, 3L, 6L);
        ready.clear();
        ps.release(works.get(1), ready);
        assertThat(offsets(ready)).containsExactly(4L);
        ps.release(works.get(3), ready);
        ps.release(works.get(0), ready);
        assertThat(offsets(ready)).containsExactly(4L, 5L, 2L);
    }

    @Test
    void partitionOrderingStartsOneAtATime() {
        PartitionState ps = new PartitionState(TP, OffsetTracker.load(0, "", 1000), Ordering.PARTITION);
        ArrayDeque<Work> ready = new ArrayDeque<>();
        List<Work> works = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ps.tracker.polled(i);
            Work w = work(ps, Ordering.PARTITION, i, "k" + i);
            works.add(w);
            ps.add(w, ready);
        }
        assertThat(offsets(ready)).containsExactly(0L);
        ready.clear();
        ps.release(works.get(0), ready);
        assertThat(offsets(ready)).containsExactly(1L);
    }

    @Test
    void noOrderingStartsEverything() {
        PartitionState ps = new PartitionState(TP, OffsetTracker.load(0, "", 1000), Ordering.NONE);
        ArrayDeque<Work> ready = new ArrayDeque<>();
        for (int i = 0; i < 3; i++) {
            ps.tracker.polled(i);
            ps.add(work(ps, Ordering.NONE, i, "same"), ready);
        }
        assertThat(offsets(ready)).containsExactly(0L, 1L, 2L);
    }

    @Test
    void recordsBeyondTheWindowWaitUntilTheLowestIncompleteMoves() {
        PartitionState ps = new PartitionState(TP, OffsetTracker.load(0, "", 4), Ordering.NONE);
        ArrayDeque<Work> ready = new ArrayDeque<>();
        List<Work> works = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ps.tracker.polled(i);
            Work w = work(ps, Ordering.NONE, i, null);
            works.add(w);
            ps.add(w, ready);
        }
        assertThat(offsets(ready)).containsExactly(0L, 1L, 2L, 3L);
        assertThat(ps.hasPending()).isTrue();
        ready.clear();
        ps.tracker.complete(3);
        ps.admit(ready);
        assertThat(ready).isEmpty();
        ps.tracker.complete(0);
        ps.admit(ready);
        assertThat(offsets(ready)).containsExactly(4L);
        ps.tracker.complete(1);
        ps.admit(ready);
        assertThat(offsets(ready)).containsExactly(4L, 5L);
        assertThat(ps.hasPending()).isFalse();
    }

    /** Random keys and completion orders: never two records of one key at once, each key in offset order. */
    @Test
    void randomKeysKeepPerKeyOrderAndOneActiveRecordPerKey() {
        long seed = TestSeeds.seed("PartitionStateTest.randomKeys");
        Random random = new Random(seed);
        PartitionState ps = new PartitionState(TP, OffsetTracker.load(0, "", 10_000), Ordering.KEY);
        ArrayDeque<Work> ready = new ArrayDeque<>();
        int total = 3_000;
        for (int i = 0; i < total; i++) {
            ps.tracker.polled(i);
            ps.add(work(ps, Ordering.KEY, i, "k" + random.nextInt(20)), ready);
        }
        List<Work> active = new ArrayList<>();
        Map<Object, Long> lastDone = new HashMap<>();
        int doneCount = 0;
        while (doneCount < total) {
            while (!ready.isEmpty()) active.add(ready.pollFirst());
            Set<Object> activeKeys = new HashSet<>();
            for (Work w : active) assertThat(activeKeys.add(w.orderKey)).as("two records of one key at once (seed %d)", seed).isTrue();
            Work w = active.remove(random.nextInt(active.size()));
            Long before = lastDone.put(w.orderKey, w.offset());
            if (before != null) assertThat(w.offset()).as("key order (seed %d)", seed).isGreaterThan(before);
            ps.tracker.complete(w.offset());
            ps.release(w, ready);
            doneCount++;
        }
        assertThat(ps.tracker.commitOffset()).isEqualTo(total);
    }
}

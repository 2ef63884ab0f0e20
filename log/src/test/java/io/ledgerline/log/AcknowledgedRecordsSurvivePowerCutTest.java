package io.ledgerline.log;

import io.ledgerline.log.TestLogs.Harness;
import io.ledgerline.log.TestLogs.StoredBatch;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.ledgerline.log.TestLogs.TP;
import static io.ledgerline.log.TestLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The durability promise: an append whose {@code durable()} future completed survives a power cut byte for byte,
 * and recovery serves nothing torn. The negative control shows the fake disk really loses unsynced writes.
 */
class AcknowledgedRecordsSurvivePowerCutTest {
    @TempDir
    Path root;

    @RegisterExtension
    final Seeded seeded = new Seeded();

    @Test
    void durableFutureCompletesOnlyAfterTheSegmentIsForced() throws Exception {
        try (Harness h = new Harness(root, true)) {
            PartitionLog log = h.open(TestLogs.config(), false);
            AppendResult r = log.append(TestLogs.records(T0, "a", "b", "c"));
            CompletableFuture<Void> acked = log.durable(r.lastOffset());

            assertThat(acked).isNotDone();
            assertThat(log.highWatermark()).isZero(); // nothing readable that a crash could take back
            assertThat(h.flusher.requested).containsExactly(log);

            long syncedBefore = h.disk.syncedSize(h.activeSegment());
            h.flusher.runRound();

            assertThat(syncedBefore).isZero();
            assertThat(acked).isCompleted();
            assertThat(h.disk.syncedSize(h.activeSegment())).isEqualTo(java.nio.file.Files.size(h.activeSegment()));
            assertThat(log.highWatermark()).isEqualTo(3);
        }
    }

    @Test
    void acknowledgedBatchesSurviveRepeatedPowerCutsUnderConcurrentAppends() throws Exception {
        Random rnd = seeded.random();
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        Path dataDir = root.resolve("data");
        int partitions = 3;
        int threads = 3;
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < partitions; i++) tps.add(new TopicPartition("payments", i));
        // What was appended, per partition: base offset -> exact stored bytes; and the highest acknowledged offset.
        Map<TopicPartition, NavigableMap<Long, byte[]>> appended = new HashMap<>();
        Map<TopicPartition, AtomicLong> maxAcked = new HashMap<>();
        for (TopicPartition tp : tps) {
            appended.put(tp, new ConcurrentSkipListMap<>());
            maxAcked.put(tp, new AtomicLong(-1));
        }
        long totalAcked = 0;

        for (int cycle = 0; cycle < 5; cycle++) {
            LogManager lm = new LogManager(TestLogs.settings(dataDir, true, 0), disk, System::currentTimeMillis);
            Map<TopicPartition, PartitionLog> logs = new HashMap<>();
            for (TopicPartition tp : tps) logs.put(tp, lm.open(tp, TestLogs.config()));
            if (cycle > 0) {
                assertThat(lm.cleanStart()).isFalse();
                for (TopicPartition tp : tps) verifyRecovered(logs.get(tp), appended.get(tp), maxAcked.get(tp).get());
            }

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong appends = new AtomicLong();
            List<Thread> workers = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                long workerSeed = rnd.nextLong();
                Thread w = new Thread(() -> {
                    try {
                        produce(new Random(workerSeed), tps, logs, appended, maxAcked, stop, appends);
                    } finally {
                        done.countDown();
                    }
                }, "producer-" + t);
                workers.add(w);
            }
            workers.forEach(Thread::start);
            // Cut the power somewhere in the middle of the traffic, including across segment rolls (1 MiB). In
            // some cycles an fsync fails first: its partition goes offline, the others carry on.
            long cutAfter = 200 + rnd.nextInt(1200);
            if (rnd.nextBoolean()) {
                long failAfter = rnd.nextLong(cutAfter);
                await().atMost(Duration.ofSeconds(30)).until(() -> appends.get() >= failAfter || done.getCount() == 0);
                disk.failForces(1);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> appends.get() >= cutAfter || done.getCount() == 0);
            disk.crash();
            disk.failForces(0);
            stop.set(true);
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            TestLogs.kill(lm);
            disk.restart();
            for (AtomicLong a : maxAcked.values()) totalAcked += a.get() + 1;
        }
        LogManager lm = new LogManager(TestLogs.settings(dataDir, true, 0), disk, System::currentTimeMillis);
        for (TopicPartition tp : tps) verifyRecovered(lm.open(tp, TestLogs.config()), appended.get(tp), maxAcked.get(tp).get());
        int segments = 0;
        for (TopicPartition tp : tps) segments += lm.get(tp).segmentCount();
        lm.close();
        assertThat(totalAcked).as("the run acknowledged something").isPositive();
        System.out.println(segments + " segments in " + partitions + " partitions");
        System.out.println("power cuts dropped " + disk.bytesDroppedByCrashes() + " unsynced bytes");
    }

    /** One producer thread: appends random batches to random partitions, up to 5 unacknowledged at a time. */
    private static void produce(Random rnd, List<TopicPartition> tps, Map<TopicPartition, PartitionLog> logs,
                                Map<TopicPartition, NavigableMap<Long, byte[]>> appended,
                                Map<TopicPartition, AtomicLong> maxAcked, AtomicBoolean stop, AtomicLong appends) {
        ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        while (!stop.get()) {
            TopicPartition tp = tps.get(rnd.nextInt(tps.size()));
            PartitionLog log = logs.get(tp);
            MemoryRecords batch = TestLogs.batch(rnd, TestLogs.CODECS[rnd.nextInt(TestLogs.CODECS.length)],
                    1 + rnd.nextInt(10), 1500, System.currentTimeMillis(), 0);
            AppendResult r;
            try {
                r = log.append(batch);
            } catch (KafkaStorageException e) {
                if (logs.values().stream().allMatch(PartitionLog::isOffline)) return; // the power is off
                continue; // this partition's fsync failed: it stays offline until the restart
            }
            appended.get(tp).put(r.baseOffset(), TestLogs.bytes(batch)); // the batch now carries its offsets
            appends.incrementAndGet();
            long last = r.lastOffset();
            AtomicLong acked = maxAcked.get(tp);
            CompletableFuture<Void> f = log.durable(last)
                    .thenRun(() -> acked.accumulateAndGet(last, Math::max));
            inFlight.add(f);
            if (inFlight.size() >= 5) {
                try {
                    inFlight.poll().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    return; // not acknowledged: the power went off under it
                }
            }
        }
    }

    /**
     * After recovery the log must be a prefix of what was appended, byte for byte, that reaches at least the
     * highest acknowledged offset. The model then forgets what the crash took (it was never acknowledged).
     */
    private static void verifyRecovered(PartitionLog log, NavigableMap<Long, byte[]> appended, long maxAcked) {
        assertThat(log.logEndOffset()).as("%s recovered end vs. highest acknowledged offset", log).isGreaterThan(maxAcked);
        assertThat(log.highWatermark()).isEqualTo(log.logEndOffset());
        List<StoredBatch> stored = TestLogs.readAll(log);
        long expectNext = log.logStartOffset();
        for (StoredBatch b : stored) {
            assertThat(b.baseOffset()).as("%s: offsets are dense", log).isEqualTo(expectNext);
            byte[] want = appended.get(b.baseOffset());
            assertThat(want).as("%s: batch at %d was appended", log, b.baseOffset()).isNotNull();
            assertThat(b.bytes()).as("%s: batch at %d byte-identical", log, b.baseOffset()).isEqualTo(want);
            expectNext = b.lastOffset() + 1;
        }
        assertThat(expectNext).isEqualTo(log.logEndOffset());
        appended.tailMap(log.logEndOffset(), true).clear();
    }

    @Test
    void intervalModeLosesAcknowledgedRecordsOnPowerCut() throws Exception {
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        Path dataDir = root.resolve("data");
        // flush.interval of an hour: nothing is synced during the test
        LogManager lm = new LogManager(TestLogs.settings(dataDir, false, TimeUnit.HOURS.toMillis(1)), disk, System::currentTimeMillis);
        PartitionLog log = lm.open(TP, TestLogs.config());
        Random rnd = seeded.random();
        long acked = -1;
        for (int i = 0; i < 50; i++) {
            AppendResult r = log.append(TestLogs.randomBatch(rnd, T0));
            assertThat(log.durable(r.lastOffset())).isCompleted(); // acknowledged at once in interval mode
            acked = r.lastOffset();
        }
        assertThat(log.highWatermark()).isEqualTo(acked + 1);

        disk.crash();
        TestLogs.kill(lm);
        disk.restart();

        LogManager after = new LogManager(TestLogs.settings(dataDir, false, TimeUnit.HOURS.toMillis(1)), disk, System::currentTimeMillis);
        PartitionLog recovered = after.open(TP, TestLogs.config());
        assertThat(recovered.logEndOffset()).as("acknowledged but never synced").isLessThanOrEqualTo(acked);
        assertThat(disk.bytesDroppedByCrashes() + disk.entriesDroppedByCrashes()).isPositive();
        after.close();
    }
}

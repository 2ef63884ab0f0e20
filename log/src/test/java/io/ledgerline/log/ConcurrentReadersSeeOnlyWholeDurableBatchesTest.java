package io.ledgerline.log;

import io.ledgerline.log.TestLogs.StoredBatch;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.ledgerline.log.TestLogs.MIB;
import static io.ledgerline.log.TestLogs.T0;
import static io.ledgerline.log.TestLogs.TP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads are lock-free while appends, rolls, fsyncs, retention and DeleteRecords run: a reader must still get
 * only whole, valid batches, starting at the one holding the offset asked for, never past the high watermark,
 * each exactly as appended.
 */
class ConcurrentReadersSeeOnlyWholeDurableBatchesTest {
    @TempDir
    Path root;

    @RegisterExtension
    final Seeded seeded = new Seeded();

    /** What a reader saw: the offset it asked for, the high watermark after the read, the batches it got. */
    record Observation(long asked, long hwAfter, List<StoredBatch> batches) {}

    @Test
    void readersRacingAppendsRollsAndDeletionsSeeOnlyWholeDurableBatches() throws Exception {
        Random rnd = seeded.random();
        LogManager.Settings settings = new LogManager.Settings(root.resolve("data"), true, 2, 0,
                TimeUnit.HOURS.toMillis(1), TimeUnit.MINUTES.toMillis(1)); // deleted files stay readable a minute
        LogManager lm = new LogManager(settings, new FaultInjectingDisk(root), System::currentTimeMillis);
        PartitionLog log = lm.open(TP, TestLogs.config(MIB, Long.MAX_VALUE, -1, 2L * MIB));
        Map<Long, byte[]> appended = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Observation> seen = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();

        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Random r = new Random(rnd.nextLong());
            readers.add(new Thread(() -> {
                while (!stop.get()) {
                    try {
                        long start = log.logStartOffset();
                        long hw = log.highWatermark();
                        if (hw == start) continue;
                        long asked = start + (long) (r.nextDouble() * (hw - start));
                        int maxBytes = r.nextInt(64 * 1024);
                        ReadResult res = log.read(asked, maxBytes, true);
                        List<StoredBatch> got = TestLogs.batches(TestLogs.toMemory(res.records()));
                        seen.add(new Observation(asked, log.highWatermark(), got));
                        if (r.nextInt(50) == 0) log.offsetForTimestamp(T0 + r.nextInt(100_000));
                        if (r.nextInt(50) == 0) log.maxTimestamp();
                    } catch (OffsetOutOfRangeException e) {
                        // DeleteRecords or retention moved the log start between our look and the read
                    } catch (Throwable e) {
                        errors.add(e);
                        return;
                    }
                }
            }, "reader-" + t));
        }
        readers.forEach(Thread::start);

        List<java.util.concurrent.CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            MemoryRecords b = TestLogs.batch(rnd, TestLogs.CODECS[rnd.nextInt(TestLogs.CODECS.length)],
                    1 + rnd.nextInt(10), 2000, T0 + i * 100L, 0);
            AppendResult r = log.append(b);
            appended.put(r.baseOffset(), TestLogs.bytes(b));
            acks.add(log.durable(r.lastOffset()));
            if (rnd.nextInt(100) == 0) log.deleteRecordsBefore(log.logStartOffset() + (log.highWatermark() - log.logStartOffset()) / 3);
            if (rnd.nextInt(50) == 0) log.applyRetention();
        }
        for (var f : acks) f.get(30, TimeUnit.SECONDS);
        stop.set(true);
        for (Thread t : readers) t.join(TimeUnit.SECONDS.toMillis(30));
        lm.close();

        assertThat(errors).isEmpty();
        assertThat(seen).isNotEmpty();
        for (Observation o : seen) {
            assertThat(o.batches()).as("read(%d) returned at least one batch", o.asked()).isNotEmpty();
            StoredBatch first = o.batches().get(0);
            assertThat(first.baseOffset()).as("first batch holds %d", o.asked()).isLessThanOrEqualTo(o.asked());
            assertThat(first.lastOffset()).isGreaterThanOrEqualTo(o.asked());
            long expectNext = first.baseOffset();
            for (StoredBatch b : o.batches()) {
                assertThat(b.baseOffset()).isEqualTo(expectNext);
                assertThat(b.lastOffset()).as("below the high watermark").isLessThan(o.hwAfter());
                assertThat(b.bytes()).as("batch %d as appended", b.baseOffset()).isEqualTo(appended.get(b.baseOffset()));
                MutableRecordBatch parsed = MemoryRecords.readableRecords(ByteBuffer.wrap(b.bytes())).batches().iterator().next();
                parsed.ensureValid();
                expectNext = b.lastOffset() + 1;
            }
        }
        System.out.println(seen.size() + " reads checked");
    }
}

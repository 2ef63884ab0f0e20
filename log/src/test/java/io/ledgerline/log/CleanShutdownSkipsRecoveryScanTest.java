package io.ledgerline.log;

import io.ledgerline.log.TestLogs.StoredBatch;
import io.ledgerline.log.TornTailRecoveryTest.Written;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.ledgerline.log.TestLogs.T0;
import static io.ledgerline.log.TestLogs.TP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clean-shutdown marker: after a clean close the next start trusts the index files instead of reading every
 * batch, yet a segment file changed behind its index (cut, truncated) is still caught and recovered.
 */
class CleanShutdownSkipsRecoveryScanTest {
    @TempDir
    Path root;

    @RegisterExtension
    final Seeded seeded = new Seeded();

    private final AtomicLong clock = new AtomicLong(T0);

    private LogManager start(FaultInjectingDisk disk) throws IOException {
        return new LogManager(TestLogs.settings(root.resolve("data"), false, TimeUnit.HOURS.toMillis(1)), disk, clock::get);
    }

    private Path partitionDir() {
        return root.resolve("data/logs/orders-0");
    }

    /** Two segments of random batches (about 1.3 MiB), as stored. */
    private static List<StoredBatch> fill(PartitionLog log, Random rnd) {
        List<StoredBatch> out = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; bytes < TestLogs.MIB + 300_000; i++) {
            MemoryRecords b = TestLogs.batch(rnd, TestLogs.CODECS[rnd.nextInt(TestLogs.CODECS.length)], 1 + rnd.nextInt(8),
                    1024, T0 + 1000L * i, 0);
            AppendResult r = log.append(b);
            out.add(new StoredBatch(r.baseOffset(), r.lastOffset(), TestLogs.bytes(b)));
            bytes += b.sizeInBytes();
        }
        return out;
    }

    private static long totalLogBytes(Path dir) throws IOException {
        long n = 0;
        for (Path p : TestLogs.segmentFiles(dir)) n += Files.size(p);
        return n;
    }

    /** Fills the partition (seeded, several segments), stops cleanly; where each batch is on disk. */
    private List<Written> fillAndStopCleanly(FaultInjectingDisk disk, Random rnd) throws Exception {
        LogManager first = start(disk);
        List<Written> written = TornTailRecoveryTest.placed(partitionDir(), fill(first.open(TP, TestLogs.config()), rnd));
        first.close();
        return written;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    @Test
    void cleanShutdownMarkerLetsTheNextStartSkipTheRecoveryScan() throws Exception {
        Random rnd = seeded.random();
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        LogManager first = start(disk);
        List<StoredBatch> written = fill(first.open(TP, TestLogs.config()), rnd);
        first.close();
        assertThat(root.resolve("data/.clean-shutdown")).exists();
        long total = totalLogBytes(partitionDir());

        disk.resetReadCounters();
        LogManager clean = start(disk);
        assertThat(clean.cleanStart()).isTrue();
        assertThat(root.resolve("data/.clean-shutdown")).as("consumed at start").doesNotExist();
        PartitionLog log = clean.open(TP, TestLogs.config());
        long readOnCleanOpen = disk.bytesRead(".log");
        assertThat(readOnCleanOpen).as("bytes of .log files read to open after a clean shutdown, of %d", total)
                .isLessThan(total / 50);
        assertThat(log.logEndOffset()).isEqualTo(written.get(written.size() - 1).lastOffset() + 1);
        ReadPathTest.assertEveryOffsetReadsItsBatch(log, written); // with the indexes loaded from their files
        ReadPathTest.assertTimestampLookupsMatchBruteForce(log, TestLogs.recordsOf(written), rnd);

        TestLogs.kill(clean); // no close: no marker
        disk.resetReadCounters();
        LogManager unclean = start(disk);
        assertThat(unclean.cleanStart()).isFalse();
        unclean.open(TP, TestLogs.config());
        Path active = TestLogs.segmentFiles(partitionDir()).get(1);
        assertThat(disk.bytesRead(".log")).as("the active segment is scanned").isGreaterThanOrEqualTo(Files.size(active));
        unclean.close();
    }

    @Test
    void activeSegmentCutAfterCleanShutdownIsStillDetected() throws Exception {
        Random rnd = seeded.random();
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        List<Written> written = fillAndStopCleanly(disk, rnd);
        List<Path> segments = TestLogs.segmentFiles(partitionDir());
        Path last = segments.get(segments.size() - 1);
        long lastBase = written.get(written.size() - 1).segmentBase();
        long cut = rnd.nextLong(Files.size(last));
        truncate(last, cut);

        LogManager clean = start(disk);
        assertThat(clean.cleanStart()).isTrue();
        PartitionLog log = clean.open(TP, TestLogs.config());
        List<StoredBatch> expected = written.stream().filter(w -> w.segmentBase() < lastBase || w.end() <= cut)
                .map(Written::stored).toList();
        assertThat(TestLogs.readAll(log)).isEqualTo(expected);
        assertThat(log.logEndOffset()).isEqualTo(expected.get(expected.size() - 1).lastOffset() + 1);
        AppendResult r = log.append(TestLogs.records(T0, "next"));
        assertThat(r.baseOffset()).isEqualTo(log.logEndOffset() - 1);
        clean.close();
    }

    @Test
    void sealedSegmentCutAfterCleanShutdownEndsTheLogThereAndDropsTheSegmentsAfterIt() throws Exception {
        Random rnd = seeded.random();
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        List<Written> written = fillAndStopCleanly(disk, rnd);
        Path sealed = TestLogs.segmentFiles(partitionDir()).get(0);
        long cut = rnd.nextLong(Files.size(sealed));
        truncate(sealed, cut);

        LogManager clean = start(disk);
        PartitionLog log = clean.open(TP, TestLogs.config());
        // Offsets stay dense: nothing after the hole can be served.
        List<StoredBatch> expected = written.stream().filter(w -> w.segmentBase() == 0 && w.end() <= cut)
                .map(Written::stored).toList();
        assertThat(TestLogs.readAll(log)).isEqualTo(expected);
        assertThat(log.segmentCount()).isEqualTo(1);
        assertThat(TestLogs.segmentFiles(partitionDir())).hasSize(1);
        clean.close();
    }

    /**
     * A sealed segment cut exactly at a batch boundary: every CRC checks out, so only the hole before the next
     * segment shows the loss (found by the random cut above, seed -104711943713044246: the log served the next
     * segments after a hole of 2,105 offsets).
     */
    @Test
    void sealedSegmentCutAtABatchBoundaryAlsoEndsTheLogThere() throws Exception {
        Random rnd = seeded.random();
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        List<Written> written = fillAndStopCleanly(disk, rnd);
        List<Written> inFirst = written.stream().filter(w -> w.segmentBase() == 0).toList();
        assertThat(written).as("the fill rolled at least once").hasSizeGreaterThan(inFirst.size());
        int keep = rnd.nextInt(inFirst.size()); // batches of segment 0 that survive whole: 0 .. all but one
        long cut = keep == 0 ? 0 : inFirst.get(keep - 1).end();
        truncate(TestLogs.segmentFiles(partitionDir()).get(0), cut);

        LogManager clean = start(disk);
        PartitionLog log = clean.open(TP, TestLogs.config());
        assertThat(TestLogs.readAll(log)).isEqualTo(inFirst.subList(0, keep).stream().map(Written::stored).toList());
        assertThat(log.logEndOffset()).isEqualTo(keep == 0 ? 0 : inFirst.get(keep - 1).lastOffset() + 1);
        assertThat(TestLogs.segmentFiles(partitionDir())).hasSize(1);
        clean.close();
    }

    @Test
    void markerIsConsumedAtStartSoACrashAfterwardsIsRecovered() throws Exception {
        Random rnd = seeded.random();
        FaultInjectingDisk disk = new FaultInjectingDisk(root);
        LogManager first = start(disk);
        fill(first.open(TP, TestLogs.config()), rnd);
        first.close();

        LogManager second = start(disk);
        assertThat(second.cleanStart()).isTrue();
        PartitionLog log = second.open(TP, TestLogs.config());
        long end = log.logEndOffset();
        log.append(TestLogs.records(T0, "torn", "by", "the", "crash"));
        log.flush();
        TestLogs.kill(second);
        Path active = TestLogs.segmentFiles(partitionDir()).get(1);
        try (FileChannel ch = FileChannel.open(active, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 3); // the last batch is torn
        }

        LogManager third = start(disk);
        assertThat(third.cleanStart()).isFalse();
        assertThat(third.open(TP, TestLogs.config()).logEndOffset()).isEqualTo(end);
        third.close();
    }
}

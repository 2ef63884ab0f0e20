package io.ledgerline.log;

import io.ledgerline.log.TestLogs.Harness;
import io.ledgerline.log.TestLogs.StoredBatch;
import io.ledgerline.log.TestLogs.StoredRecord;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.ledgerline.log.TestLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Recovery after an unclean stop: a segment whose tail is torn (cut at any byte), corrupt (a flipped byte fails
 * the CRC) or zero-filled (what some file systems leave after a power cut) ends exactly after its last whole,
 * valid batch; everything before is served byte for byte, the indexes are rebuilt, and appends go on from there.
 */
class TornTailRecoveryTest {
    @TempDir
    Path root;

    @RegisterExtension
    final Seeded seeded = new Seeded();

    /** A batch as written: where it landed and its exact bytes. */
    record Written(long baseOffset, long lastOffset, byte[] bytes, long segmentBase, int position) {
        int end() {
            return position + bytes.length;
        }

        StoredBatch stored() {
            return new StoredBatch(baseOffset, lastOffset, bytes);
        }
    }

    /** Appends random batches (every codec, sizes 1 record .. ~40 KiB) until the log holds about {@code bytes}. */
    static List<Written> fill(Harness h, Random rnd, long bytes) throws IOException {
        List<StoredBatch> appended = new ArrayList<>();
        long total = 0;
        int i = 0;
        while (total < bytes) {
            MemoryRecords b = TestLogs.batch(rnd, TestLogs.CODECS[rnd.nextInt(TestLogs.CODECS.length)],
                    1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 40 : 8), 1024, T0 + 1000L * i++, 5000);
            AppendResult r = h.log.append(b);
            appended.add(new StoredBatch(r.baseOffset(), r.lastOffset(), TestLogs.bytes(b)));
            total += b.sizeInBytes();
        }
        h.flush();
        return placed(h.dir, appended);
    }

    /** Where each batch sits: the segment (greatest base offset at or below it) and the position in it. */
    static List<Written> placed(Path dir, List<StoredBatch> batches) {
        List<Long> bases = new ArrayList<>();
        for (Path p : TestLogs.segmentFiles(dir)) bases.add(Long.parseLong(p.getFileName().toString().replace(".log", "")));
        List<Written> out = new ArrayList<>();
        long seg = -1;
        int pos = 0;
        for (StoredBatch b : batches) {
            long s = bases.get(0);
            for (long base : bases) if (base <= b.baseOffset()) s = base;
            if (s != seg) {
                seg = s;
                pos = 0;
            }
            out.add(new Written(b.baseOffset(), b.lastOffset(), b.bytes(), seg, pos));
            pos += b.bytes().length;
        }
        return out;
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** Reopens after the damage and checks the log is exactly {@code expected}, indexes and appends working. */
    private void assertRecoveredTo(Harness h, List<Written> expected, Random rnd) throws IOException {
        PartitionLog log = h.open(TestLogs.config(), false);
        long end = expected.isEmpty() ? 0 : expected.get(expected.size() - 1).lastOffset() + 1;
        assertThat(log.logEndOffset()).isEqualTo(end);
        assertThat(log.highWatermark()).isEqualTo(end);
        List<StoredBatch> want = expected.stream().map(Written::stored).toList();
        assertThat(TestLogs.readAll(log)).isEqualTo(want);
        Path lastFile = h.activeSegment();
        long lastBase = Long.parseLong(lastFile.getFileName().toString().replace(".log", ""));
        assertThat(Files.size(lastFile)).as("the bad bytes are cut from the file")
                .isEqualTo(expected.stream().filter(w -> w.segmentBase() == lastBase).mapToLong(w -> w.bytes().length).sum());
        ReadPathTest.assertEveryOffsetReadsItsBatch(log, want);
        ReadPathTest.assertTimestampLookupsMatchBruteForce(log, TestLogs.recordsOf(want), rnd);

        MemoryRecords next = TestLogs.records(T0, "after", "recovery");
        AppendResult r = log.append(next);
        assertThat(r.baseOffset()).isEqualTo(end);
        assertThat(TestLogs.readAll(log, end))
                .containsExactly(new StoredBatch(end, end + 1, TestLogs.bytes(next)));
    }

    @RepeatedTest(4)
    void tailCutAtARandomByteEndsTheLogAtTheLastWholeBatch() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, false)) {
            h.open(TestLogs.config(), false);
            List<Written> written = fill(h, rnd, TestLogs.MIB + 200_000); // two segments
            h.crashAndRestart(); // everything was flushed: only the process is gone
            Path last = h.activeSegment();
            long size = Files.size(last);
            long cut = rnd.nextLong(size);
            truncate(last, cut);

            long lastBase = written.get(written.size() - 1).segmentBase();
            List<Written> expected = written.stream()
                    .filter(w -> w.segmentBase() < lastBase || w.end() <= cut).toList();
            assertRecoveredTo(h, expected, rnd);
        }
    }

    @RepeatedTest(3)
    void flippedByteInTheMiddleFailsTheCrcAndEndsTheLogBeforeThatBatch() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, false)) {
            h.open(TestLogs.config(), false);
            List<Written> written = fill(h, rnd, 300_000);
            h.crashAndRestart();
            Written victim = written.get(written.size() / 4 + rnd.nextInt(written.size() / 2));
            // Anywhere the CRC covers: from the attributes (byte 21 of the batch) to its end.
            long at = victim.position() + 21 + rnd.nextInt(victim.bytes().length - 21);
            try (FileChannel ch = FileChannel.open(h.activeSegment(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer one = ByteBuffer.allocate(1);
                ch.read(one, at);
                one.put(0, (byte) (one.get(0) ^ (1 << rnd.nextInt(8))));
                ch.write(one.flip(), at);
            }

            List<Written> expected = written.stream().filter(w -> w.baseOffset() < victim.baseOffset()).toList();
            assertRecoveredTo(h, expected, rnd);
        }
    }

    @Test
    void powerCutDuringRecoveryOfASealedSegmentLeavesNoHoleInTheOffsets() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, false)) {
            h.open(TestLogs.config(), false);
            List<Written> written = fill(h, rnd, TestLogs.MIB + 200_000);
            h.crashAndRestart();
            Path sealed = TestLogs.segmentFiles(h.dir).get(0);
            long cut = Files.size(sealed) - 1 - rnd.nextInt(50_000);
            truncate(sealed, cut);
            // Recovery cuts the torn batch off segment 0 and fsyncs it; the power goes right then.
            h.disk.beforeNextForce(sealed, channel -> {
                try {
                    h.disk.crash();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThatThrownBy(() -> h.open(TestLogs.config(), false)).isInstanceOf(IOException.class);
            h.disk.restart();

            List<Written> expected = written.stream().filter(w -> w.segmentBase() == 0 && w.end() <= cut).toList();
            assertRecoveredTo(h, expected, rnd);
            assertThat(TestLogs.segmentFiles(h.dir)).hasSize(1);
        }
    }

    @Test
    void zeroFilledTailLeftByAPowerCutIsCutOff() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, false)) {
            h.open(TestLogs.config(), false);
            List<Written> written = fill(h, rnd, 100_000);
            h.crashAndRestart();
            long size = Files.size(h.activeSegment());
            try (FileChannel ch = FileChannel.open(h.activeSegment(), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(4096 + rnd.nextInt(4096)), size); // size grew, data never landed
            }

            assertRecoveredTo(h, written, rnd);
        }
    }

    @Test
    void emptyLogWithATornFirstBatchRecoversToEmpty() throws IOException {
        Random rnd = seeded.random();
        try (Harness h = new Harness(root, false)) {
            h.open(TestLogs.config(), false);
            List<Written> written = fill(h, rnd, 1);
            h.crashAndRestart();
            truncate(h.activeSegment(), rnd.nextInt(written.get(0).bytes().length));

            assertRecoveredTo(h, List.of(), rnd);
        }
    }
}

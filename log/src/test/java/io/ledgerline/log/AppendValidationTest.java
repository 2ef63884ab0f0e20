package io.ledgerline.log;

import io.ledgerline.log.TestLogs.Harness;
import io.ledgerline.log.TestLogs.StoredBatch;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.ledgerline.log.TestLogs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Bad data stops at the door: every malformed batch is refused with the Kafka error the producer gets, and the
 * log is exactly as before the attempt.
 */
class AppendValidationTest {
    @TempDir
    Path root;

    @RegisterExtension
    final Seeded seeded = new Seeded();

    private Harness h;
    private PartitionLog log;
    private final List<StoredBatch> stored = new ArrayList<>();

    @BeforeEach
    void openWithSomeData() throws IOException {
        h = new Harness(root, false);
        log = h.open(TestLogs.config(), false);
        for (int i = 0; i < 3; i++) {
            MemoryRecords b = TestLogs.records(T0 + i, "good-" + i, "data");
            AppendResult r = log.append(b);
            stored.add(new StoredBatch(r.baseOffset(), r.lastOffset(), TestLogs.bytes(b)));
        }
    }

    @AfterEach
    void close() {
        h.close();
    }

    /** The rejection left no trace: same offsets, same bytes on disk, same batches served. */
    private void assertUntouched() throws IOException {
        assertThat(log.logEndOffset()).isEqualTo(stored.get(stored.size() - 1).lastOffset() + 1);
        long bytes = stored.stream().mapToLong(b -> b.bytes().length).sum();
        assertThat(log.sizeInBytes()).isEqualTo(bytes);
        long onDisk = 0;
        for (Path segment : TestLogs.segmentFiles(h.dir)) onDisk += Files.size(segment);
        assertThat(onDisk).isEqualTo(bytes);
        assertThat(TestLogs.readAll(log)).isEqualTo(stored);
        assertThat(log.isOffline()).isFalse();
    }

    private static MemoryRecords concat(MemoryRecords records, byte[] tail) {
        ByteBuffer buf = ByteBuffer.allocate(records.sizeInBytes() + tail.length);
        buf.put(records.buffer()).put(tail).flip();
        return MemoryRecords.readableRecords(buf);
    }

    @Test
    void batchWithABadCrcIsCorruptRecord() throws IOException {
        MemoryRecords b = TestLogs.records(T0, "tampered");
        ByteBuffer buf = b.buffer();
        int at = buf.limit() - 3; // inside the record's value
        buf.put(at, (byte) (buf.get(at) ^ 0x40));
        assertThatThrownBy(() -> log.append(MemoryRecords.readableRecords(buf))).isInstanceOf(CorruptRecordException.class);
        assertUntouched();
    }

    @Test
    void batchLargerThanMaxMessageBytesIsRecordTooLarge() throws IOException {
        log.updateConfig(TestLogs.withMaxMessageBytes(TestLogs.config(), 500));
        MemoryRecords big = TestLogs.records(T0, "x".repeat(600));
        assertThatThrownBy(() -> log.append(big)).isInstanceOf(RecordTooLargeException.class);
        assertUntouched();
    }

    @Test
    void recordWithoutAKeyOnACompactedTopicIsInvalidRecord() throws IOException {
        log.updateConfig(TestLogs.compacted(TestLogs.config()));
        MemoryRecords noKey = MemoryRecords.withRecords(Compression.gzip().build(),
                new SimpleRecord(T0, "k".getBytes(), "keyed".getBytes()), new SimpleRecord(T0, null, "unkeyed".getBytes()));
        assertThatThrownBy(() -> log.append(noKey)).isInstanceOf(InvalidRecordException.class);
        assertUntouched();
    }

    @Test
    void bytesAfterTheBatchAreCorruptRecordNotStored() throws IOException {
        // Fewer bytes than a batch header: the batch iterator silently ignores them, so append must look.
        MemoryRecords withTail = concat(TestLogs.records(T0, "x"), new byte[] {0, 0, 0, 0, 0, 7});
        assertThatThrownBy(() -> log.append(withTail)).isInstanceOf(CorruptRecordException.class);
        assertUntouched();

        // The start of a second batch, cut short.
        byte[] next = TestLogs.bytes(TestLogs.records(T0, "second"));
        MemoryRecords withPartial = concat(TestLogs.records(T0, "x"), java.util.Arrays.copyOf(next, next.length - 5));
        assertThatThrownBy(() -> log.append(withPartial)).isInstanceOf(CorruptRecordException.class);
        assertUntouched();
    }

    @Test
    void moreOrLessThanOneBatchIsInvalidRecord() throws IOException {
        MemoryRecords two = concat(TestLogs.records(T0, "a"), TestLogs.bytes(TestLogs.records(T0, "b")));
        assertThatThrownBy(() -> log.append(two)).isInstanceOf(InvalidRecordException.class);
        assertThatThrownBy(() -> log.append(MemoryRecords.EMPTY)).isInstanceOf(InvalidRecordException.class);
        assertUntouched();
    }

    @Test
    void unknownCompressionCodecIsCorruptRecord() throws IOException {
        for (short codec = 5; codec <= 7; codec++) {
            MemoryRecords b = TestLogs.records(T0, "x");
            ByteBuffer buf = b.buffer();
            buf.putShort(TestLogs.ATTRIBUTES_OFFSET, (short) ((buf.getShort(TestLogs.ATTRIBUTES_OFFSET) & ~7) | codec));
            MemoryRecords bad = TestLogs.withFixedCrc(MemoryRecords.readableRecords(buf));
            assertThatThrownBy(() -> log.append(bad)).as("codec id %d", codec).isInstanceOf(CorruptRecordException.class);
        }
        assertUntouched();
    }

    @Test
    void compressedRecordClaimingAHugeBodyIsRefusedWithoutAllocatingIt() throws IOException {
        // A gzip batch whose one record says its body is 1.9 GB; kafka-clients allocates the body before reading
        // it, so unless the log bounds it, 60 bytes of request cost the broker an OutOfMemoryError.
        java.io.ByteArrayOutputStream inner = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(inner)) {
            long zigzag = (1_900_000_000L << 1);
            while ((zigzag & ~0x7FL) != 0) {
                gz.write((int) ((zigzag & 0x7F) | 0x80));
                zigzag >>>= 7;
            }
            gz.write((int) zigzag);
            gz.write(new byte[] {0, 0, 0, 2, 'x', 0});
        }
        MemoryRecords template = MemoryRecords.withRecords(Compression.gzip().build(),
                new SimpleRecord(T0, "k".getBytes(), "v".getBytes()));
        byte[] body = inner.toByteArray();
        ByteBuffer buf = ByteBuffer.allocate(TestLogs.RECORDS_OFFSET + body.length);
        buf.put(template.buffer().limit(TestLogs.RECORDS_OFFSET)).put(body).flip();
        buf.putInt(8, buf.limit() - 12); // the batch length field
        MemoryRecords bomb = TestLogs.withFixedCrc(MemoryRecords.readableRecords(buf));

        assertThatThrownBy(() -> log.append(bomb)).isInstanceOfAny(CorruptRecordException.class, InvalidRecordException.class);
        assertUntouched();
    }

    @Test
    void controlBatchesTransactionalBatchesWithoutProducerIdAndOldFormatBatchesAreInvalidRecord() throws IOException {
        MemoryRecords control = MemoryRecords.withEndTransactionMarker(T0, 1L, (short) 0,
                new EndTransactionMarker(ControlRecordType.COMMIT, 0));
        // kafka-clients refuses to build a transactional batch without a producer id: set the flag by hand.
        MemoryRecords plain = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(T0, "k".getBytes(), "v".getBytes()));
        ByteBuffer pb = plain.buffer();
        pb.putShort(pb.position() + TestLogs.ATTRIBUTES_OFFSET, (short) (pb.getShort(pb.position() + TestLogs.ATTRIBUTES_OFFSET) | 0x10));
        MemoryRecords transactional = TestLogs.withFixedCrc(plain);
        assertThat(transactional.batches().iterator().next().isTransactional()).isTrue();
        MemoryRecords v1 = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, 0L, Compression.NONE,
                TimestampType.CREATE_TIME, new SimpleRecord(T0, "k".getBytes(), "v".getBytes()));
        for (MemoryRecords bad : List.of(control, transactional, v1)) {
            assertThatThrownBy(() -> log.append(bad)).isInstanceOf(InvalidRecordException.class);
        }
        assertUntouched();
    }

    @Test
    void fuzzedBatchesAreStoredWhole_OrRefusedWithAKafkaErrorAndNoTrace() throws IOException {
        Random rnd = seeded.random();
        int iterations = Integer.getInteger("ledgerline.fuzz.iterations", 400); // raise for a longer run
        int accepted = 0;
        for (int i = 0; i < iterations; i++) {
            MemoryRecords b = TestLogs.batch(rnd, TestLogs.CODECS[rnd.nextInt(TestLogs.CODECS.length)],
                    1 + rnd.nextInt(5), 64, T0, 0);
            ByteBuffer buf = b.buffer();
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips; f++) {
                // Anywhere the CRC covers: header fields after it, record framing, compressed stream.
                int at = TestLogs.ATTRIBUTES_OFFSET + rnd.nextInt(buf.limit() - TestLogs.ATTRIBUTES_OFFSET);
                buf.put(at, (byte) rnd.nextInt(256));
            }
            MemoryRecords fuzzed = TestLogs.withFixedCrc(MemoryRecords.readableRecords(buf));
            byte[] sent = TestLogs.bytes(fuzzed);
            Throwable t = catchThrowable(() -> {
                AppendResult r = log.append(fuzzed);
                stored.add(new StoredBatch(r.baseOffset(), r.lastOffset(), TestLogs.bytes(fuzzed)));
            });
            if (t == null) {
                accepted++;
                continue;
            }
            assertThat(t).as("mutation %d of %s", i, java.util.HexFormat.of().formatHex(sent))
                    .isInstanceOfAny(CorruptRecordException.class, InvalidRecordException.class,
                            RecordTooLargeException.class)
                    .isInstanceOf(ApiException.class);
        }
        assertUntouched(); // also: every accepted batch reads back byte for byte
        System.out.println("fuzz: " + accepted + " of " + iterations + " mutated batches were still valid and stored");
    }

    // ------------------------------------------------ validate, then append (the two steps of append)

    @Test
    void theVisitorSeesEveryRecordOnceInOrderWithItsBatchIndexForEveryCodec() {
        java.util.Random rnd = seeded.random();
        for (Compression codec : TestLogs.CODECS) {
            MemoryRecords batch = TestLogs.batch(rnd, codec, 1 + rnd.nextInt(30), 200, T0, 0);
            long end = log.logEndOffset();
            List<Integer> indexes = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            ValidatedBatch v = log.validate(batch, (i, r) -> {
                indexes.add(i);
                keys.add(key(r));
            });
            List<String> expected = new ArrayList<>();
            for (Record r : batch.records()) expected.add(key(r));
            assertThat(keys).as(codec.toString()).isEqualTo(expected);
            for (int i = 0; i < indexes.size(); i++) assertThat(indexes.get(i)).isEqualTo(i);

            assertThat(log.logEndOffset()).as("validation appends nothing").isEqualTo(end);
            AppendResult a = log.append(v);
            assertThat(a.baseOffset()).isEqualTo(end);
            assertThat(a.lastOffset()).isEqualTo(end + expected.size() - 1);
            assertThat(log.logEndOffset()).isEqualTo(end + expected.size());
        }
    }

    @Test
    void anInvalidBatchIsRefusedByValidateAsByAppend() throws IOException {
        MemoryRecords twoBatches = concat(TestLogs.records(T0, "a"), TestLogs.bytes(TestLogs.records(T0, "b")));
        assertThatThrownBy(() -> log.validate(twoBatches)).isInstanceOf(InvalidRecordException.class)
                .hasMessage("exactly one record batch per partition is accepted");
        assertThatThrownBy(() -> log.append(concat(TestLogs.records(T0, "a"), TestLogs.bytes(TestLogs.records(T0, "b")))))
                .isInstanceOf(InvalidRecordException.class).hasMessage("exactly one record batch per partition is accepted");
        assertUntouched();
    }

    @Test
    void aRetriedIdempotentBatchValidatedAgainIsRecognisedAtAppend() {
        long end = log.logEndOffset();
        AppendResult first = log.append(log.validate(TestLogs.idempotent(7, (short) 0, 0, 3)));
        AppendResult retry = log.append(log.validate(TestLogs.idempotent(7, (short) 0, 0, 3)));
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.baseOffset()).isEqualTo(first.baseOffset());
        assertThat(log.logEndOffset()).isEqualTo(end + 3);
    }

    private static String key(Record r) {
        byte[] b = new byte[r.keySize()];
        r.key().duplicate().get(b);
        return new String(b);
    }
}

package io.ledgerline.log;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** Building batches, opening logs with test-owned clocks and flushers, and reading back what a log holds. */
final class TestLogs {
    private TestLogs() {}

    static final TopicPartition TP = new TopicPartition("orders", 0);
    static final int MIB = 1 << 20;
    /** Start of the test clocks: a plausible epoch time, far from 0 so no timestamp is mistaken for "none". */
    static final long T0 = 1_700_000_000_000L;

    static final Compression[] CODECS = {
        Compression.NONE, Compression.gzip().build(), Compression.lz4().build(), Compression.zstd().build(),
        Compression.snappy().build(),
    };

    // ------------------------------------------------------------- configs

    static LogConfig config() {
        return config(MIB, Long.MAX_VALUE, -1, -1);
    }

    static LogConfig config(int segmentBytes, long segmentMs, long retentionMs, long retentionBytes) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, MIB, TimestampType.CREATE_TIME,
                false, "delete");
    }

    static LogConfig withMaxMessageBytes(LogConfig c, int maxMessageBytes) {
        return new LogConfig(c.segmentBytes(), c.segmentMs(), c.retentionMs(), c.retentionBytes(), maxMessageBytes,
                c.timestampType(), c.compact(), c.cleanupPolicy());
    }

    static LogConfig compacted(LogConfig c) {
        return new LogConfig(c.segmentBytes(), c.segmentMs(), c.retentionMs(), c.retentionBytes(), c.maxMessageBytes(),
                c.timestampType(), true, "compact");
    }

    static LogConfig logAppendTime(LogConfig c) {
        return new LogConfig(c.segmentBytes(), c.segmentMs(), c.retentionMs(), c.retentionBytes(), c.maxMessageBytes(),
                TimestampType.LOG_APPEND_TIME, c.compact(), c.cleanupPolicy());
    }

    // ------------------------------------------------------------- one partition, by hand

    /** A flush scheduler the test drives: it only remembers requests; {@link #runRound} flushes them. */
    static final class ManualFlusher implements LogContext.FlushScheduler {
        final Set<PartitionLog> requested = ConcurrentHashMap.newKeySet();

        @Override
        public void requestFlush(PartitionLog log) {
            requested.add(log);
        }

        void runRound() {
            for (PartitionLog p : requested) {
                requested.remove(p);
                p.flush();
            }
        }
    }

    /**
     * One partition opened outside a LogManager over a {@link FaultInjectingDisk}, with a clock, a flusher
     * and a scheduler owned by the test, so every flush and every tick happens when the test says.
     */
    static final class Harness implements AutoCloseable {
        final Path dir;
        final FaultInjectingDisk disk;
        final AtomicLong clock = new AtomicLong(T0);
        final ManualFlusher flusher = new ManualFlusher();
        final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        final boolean durableAck;
        /** Kafka's producer.id.expiration.ms; a test may shorten it before {@link #open}. */
        long producerIdExpirationMs = LogManager.Settings.PRODUCER_ID_EXPIRATION_MS_DEFAULT;
        PartitionLog log;

        Harness(Path root, boolean durableAck) throws IOException {
            this.disk = new FaultInjectingDisk(root);
            this.dir = root.resolve("orders-0");
            this.durableAck = durableAck;
        }

        LogContext context() {
            return new LogContext(disk, clock::get, durableAck, flusher, scheduler, 0, producerIdExpirationMs);
        }

        PartitionLog open(LogConfig config, boolean cleanShutdown) throws IOException {
            log = PartitionLog.open(TP, dir, config, context(), cleanShutdown);
            return log;
        }

        /** Power cut and power back: the open log is dead (every file operation of it fails). */
        void crashAndRestart() throws IOException {
            disk.crash();
            disk.restart();
        }

        /** Everything appended so far made durable, as the flusher would. */
        void flush() {
            log.flush();
        }

        Path activeSegment() {
            List<Path> logs = segmentFiles(dir);
            return logs.get(logs.size() - 1);
        }

        @Override
        public void close() {
            scheduler.shutdownNow();
        }
    }

    // ------------------------------------------------------------- many partitions

    static LogManager.Settings settings(Path dataDir, boolean durableAck, long flushIntervalMs) {
        return new LogManager.Settings(dataDir, durableAck, 2, flushIntervalMs, TimeUnit.HOURS.toMillis(1), 0);
    }

    /**
     * What a SIGKILL leaves of a LogManager: its threads stop, nothing is flushed or closed, no marker is written.
     * (Its files are only dead if the disk crashed first.)
     */
    static void kill(LogManager lm) throws InterruptedException {
        if (lm.groupCommit() != null) lm.groupCommit().close();
        lm.context().scheduler().shutdownNow();
        lm.context().scheduler().awaitTermination(10, TimeUnit.SECONDS);
        try {
            lm.dataDirLock().close(); // as the OS drops a killed process's lock
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------- batches

    /** A producer batch of {@code count} records with random keys and values, timestamps around {@code timestamp}. */
    static MemoryRecords batch(Random rnd, Compression compression, int count, int valueBytesMax, long timestamp,
                               long timestampJitterMs) {
        ByteBuffer buf = ByteBuffer.allocate(1024 + count * (valueBytesMax + 64));
        MemoryRecordsBuilder b = MemoryRecords.builder(buf, RecordBatch.MAGIC_VALUE_V2, compression,
                TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < count; i++) {
            long ts = timestampJitterMs == 0 ? timestamp : timestamp + rnd.nextLong(-timestampJitterMs, timestampJitterMs + 1);
            byte[] key = ("k" + rnd.nextInt(1000)).getBytes();
            byte[] value = new byte[rnd.nextInt(valueBytesMax + 1)];
            // Half random (incompressible), half repeated (compressible): codecs see both kinds of input.
            if (rnd.nextBoolean()) rnd.nextBytes(value);
            else java.util.Arrays.fill(value, (byte) ('a' + rnd.nextInt(26)));
            b.append(ts, key, value);
        }
        return b.build();
    }

    /** A random batch: random codec, 1..20 records of up to 1 KiB. */
    static MemoryRecords randomBatch(Random rnd, long timestamp) {
        return batch(rnd, CODECS[rnd.nextInt(CODECS.length)], 1 + rnd.nextInt(20), 1024, timestamp, 0);
    }

    static MemoryRecords records(long timestamp, String... values) {
        SimpleRecord[] rs = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) rs[i] = new SimpleRecord(timestamp, ("k" + i).getBytes(), values[i].getBytes());
        return MemoryRecords.withRecords(Compression.NONE, rs);
    }

    static MemoryRecords idempotent(long producerId, short epoch, int baseSequence, int count) {
        SimpleRecord[] rs = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            rs[i] = new SimpleRecord(T0, ("k" + i).getBytes(), ("seq-" + (baseSequence + i)).getBytes());
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSequence, rs);
    }

    /** Byte positions in a v2 batch header (DefaultRecordBatch's, which are package-private there). */
    static final int CRC_OFFSET = 17;
    static final int ATTRIBUTES_OFFSET = 21;
    static final int BASE_SEQUENCE_OFFSET = 53;
    static final int RECORDS_OFFSET = 61;

    /** Recomputes the CRC32C of the single batch in {@code records} after a test edited its bytes on purpose. */
    static MemoryRecords withFixedCrc(MemoryRecords records) {
        ByteBuffer buf = records.buffer();
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(buf.duplicate().position(buf.position() + ATTRIBUTES_OFFSET));
        buf.putInt(buf.position() + CRC_OFFSET, (int) crc.getValue());
        return MemoryRecords.readableRecords(buf);
    }

    static byte[] bytes(MemoryRecords records) {
        ByteBuffer b = records.buffer().duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    // ------------------------------------------------------------- reading back

    /** A stored batch as read back: its offsets and its exact bytes (compared by content). */
    record StoredBatch(long baseOffset, long lastOffset, byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof StoredBatch b && b.baseOffset == baseOffset && b.lastOffset == lastOffset
                    && java.util.Arrays.equals(b.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(baseOffset) * 31 + java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "StoredBatch[" + baseOffset + ".." + lastOffset + ", " + bytes.length + " bytes, content hash "
                    + Integer.toHexString(java.util.Arrays.hashCode(bytes)) + "]";
        }
    }

    /** A record as the brute-force models see it. */
    record StoredRecord(long offset, long timestamp) {}

    /** Copies a read result into memory (a file region is read through the log's channel). */
    static MemoryRecords toMemory(Records records) {
        if (records instanceof MemoryRecords m) return m;
        FileRecords f = (FileRecords) records;
        ByteBuffer buf = ByteBuffer.allocate(f.sizeInBytes());
        try {
            f.readInto(buf, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return MemoryRecords.readableRecords(buf);
    }

    /** The whole batches of {@code records}, in order, with their bytes (a partial batch at the end is skipped). */
    static List<StoredBatch> batches(MemoryRecords records) {
        List<StoredBatch> out = new ArrayList<>();
        ByteBuffer buf = records.buffer().duplicate();
        int pos = buf.position();
        for (MutableRecordBatch b : records.batches()) {
            byte[] bytes = new byte[b.sizeInBytes()];
            buf.get(pos, bytes);
            pos += b.sizeInBytes();
            out.add(new StoredBatch(b.baseOffset(), b.lastOffset(), bytes));
        }
        return out;
    }

    /** Every batch readable from {@code from} (rounded down to its batch) to the high watermark, via read(). */
    static List<StoredBatch> readAll(PartitionLog log, long from) {
        List<StoredBatch> out = new ArrayList<>();
        long next = from;
        while (next < log.highWatermark()) {
            ReadResult r = log.read(next, 256 * 1024, true);
            List<StoredBatch> got = batches(toMemory(r.records()));
            if (got.isEmpty()) throw new AssertionError("read(" + next + ") returned no batch below the high watermark " + log.highWatermark());
            for (StoredBatch b : got) {
                if (b.lastOffset() < next) continue;
                out.add(b);
                next = b.lastOffset() + 1;
            }
        }
        return out;
    }

    static List<StoredBatch> readAll(PartitionLog log) {
        return readAll(log, log.logStartOffset());
    }

    /** Every record (offset, timestamp) of the given batches, decompressed. */
    static List<StoredRecord> recordsOf(List<StoredBatch> batches) {
        List<StoredRecord> out = new ArrayList<>();
        for (StoredBatch sb : batches) {
            for (MutableRecordBatch b : MemoryRecords.readableRecords(ByteBuffer.wrap(sb.bytes())).batches()) {
                for (Record r : b) out.add(new StoredRecord(r.offset(), r.timestamp()));
            }
        }
        return out;
    }

    // ------------------------------------------------------------- files

    static List<Path> segmentFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path indexOf(Path segmentFile) {
        String n = segmentFile.getFileName().toString();
        return segmentFile.resolveSibling(n.substring(0, n.length() - ".log".length()) + ".index");
    }
}

package io.ledgerline.log;

import io.ledgerline.log.io.AtomicFiles;
import io.ledgerline.log.io.FileOpener;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.LedgerlineFileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One segment of a partition: a file of Kafka v2 record batches with absolute offsets, plus its sparse
 * indexes.
 *
 * <p>On disk, in the partition directory:
 * <pre>
 *   00000000000000001000.log    batches exactly as Kafka's wire format (offset assigned), back to back;
 *                               the first batch's base offset is the file name
 *   00000000000000001000.index  written when the segment is sealed and at clean shutdown, never while it is
 *                               the active segment ({@link AtomicFiles} framing, CRC-checked):
 *                               version:int32 (2) | logBytes:int32 | nextOffset:int64 | maxTimestamp:int64 |
 *                               offsetOfMaxTimestamp:int64 | offsetIndex | timeIndex   (see SparseIndex)
 *                               | abortedCount:int32 | abortedCount × (producerId:int64, firstOffset:int64,
 *                               lastOffset:int64, lastStableOffset:int64)
 * </pre>
 * An index file whose logBytes differs from the .log file's size is stale (the file was cut or extended
 * after it was written) and is ignored: the segment is scanned and the indexes rebuilt. Version 1 (before
 * transactions) lacks the aborted list and is read as an empty one, which it was.
 *
 * <p>The aborted-transaction index: the transactions whose abort marker lies in this segment, in marker order
 * (see {@link AbortedTxn}). It is persisted in the index file, so it is known for a segment loaded from its
 * index; a scanned segment's list is rebuilt by PartitionLog's recovery replay, which needs the producer
 * state to know where each aborted transaction began ({@link #abortedKnown}).
 *
 * <p>Threads: appends happen under the owning {@link PartitionLog}'s lock; reads are lock-free and
 * bounded by positions the appender published.
 */
final class Segment {
    private static final Logger log = LoggerFactory.getLogger(Segment.class);
    private static final int INDEX_VERSION = 2;
    private static final int INDEX_VERSION_BEFORE_TRANSACTIONS = 1;

    final long baseOffset;
    final Path logFile;
    final Path indexFile;
    private final FileChannel channel;
    final FileRecords records;
    private final SparseIndex offsetIndex;
    private final SparseIndex timeIndex;
    private volatile long nextOffset;
    private volatile long maxTimestamp;
    private volatile long offsetOfMaxTimestamp;
    private int bytesSinceIndexEntry;
    /**
     * Wall-clock time of the first append (or of opening, for a segment that already had data), for segment.ms
     * rolls: an idle topic's new segment must not count its idle time, or it rolls after one batch.
     */
    private volatile long firstAppendMs;
    /**
     * Aborted transactions whose marker is here, in marker order. Appended under the partition lock, read
     * lock-free: the array is published before the count, so a reader that reads the count first sees at
     * least that many entries.
     */
    private volatile AbortedTxn[] aborted = new AbortedTxn[0];
    private volatile int abortedCount;
    /** False when the segment was scanned rather than loaded from its index: its aborted list is not known. */
    private boolean abortedKnown = true;

    private Segment(long baseOffset, Path logFile, FileChannel channel, FileRecords records, SparseIndex offsetIndex,
                    SparseIndex timeIndex, long nextOffset, long maxTimestamp, long offsetOfMaxTimestamp, long firstAppendMs) {
        this.baseOffset = baseOffset;
        this.logFile = logFile;
        this.indexFile = indexPath(logFile.getParent(), baseOffset);
        this.channel = channel;
        this.records = records;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.nextOffset = nextOffset;
        this.maxTimestamp = maxTimestamp;
        this.offsetOfMaxTimestamp = offsetOfMaxTimestamp;
        this.firstAppendMs = firstAppendMs;
    }

    static String fileStem(long offset) {
        return String.format("%020d", offset);
    }

    static Path logPath(Path dir, long baseOffset) {
        return dir.resolve(fileStem(baseOffset) + ".log");
    }

    static Path indexPath(Path dir, long baseOffset) {
        return dir.resolve(fileStem(baseOffset) + ".index");
    }

    static Segment create(FileOpener opener, Path dir, long baseOffset, long nowMs) throws IOException {
        Path file = logPath(dir, baseOffset);
        Files.deleteIfExists(indexPath(dir, baseOffset));
        FileChannel ch = opener.openReadWrite(file);
        try {
            ch.truncate(0);
            FileRecords records = LedgerlineFileRecords.open(file.toFile(), ch);
            opener.syncDirectory(dir);
            return new Segment(baseOffset, file, ch, records, new SparseIndex(), new SparseIndex(), baseOffset,
                    RecordBatch.NO_TIMESTAMP, -1, nowMs);
        } catch (IOException | RuntimeException e) {
            // A file left behind would claim offsets from baseOffset on, overlapping the segment that stays active.
            ch.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * What opening found: the segment (indexed up to {@code validBytes}) and how many of its bytes are whole,
     * valid batches. Fewer than the file holds means a torn or corrupt tail, which {@link #cutTail} removes.
     * {@code batchesRead}: batches read and CRC-checked to open it (0 when its index was trusted).
     */
    record Opened(Segment segment, int validBytes, int batchesRead) {
        boolean tornTail() {
            return validBytes < segment.sizeInBytes();
        }
    }

    /**
     * Opens an existing segment. With a valid index file matching the data size the indexes are loaded;
     * otherwise every batch is read and its CRC checked, up to the first bad byte. Nothing is cut here: the
     * caller decides the order of the cuts (see PartitionLog's recovery).
     */
    static Opened open(FileOpener opener, Path dir, long baseOffset, long nowMs, boolean trustIndex) throws IOException {
        Path file = logPath(dir, baseOffset);
        FileChannel ch = opener.openReadWrite(file);
        FileRecords records = LedgerlineFileRecords.open(file.toFile(), ch);
        if (trustIndex) {
            Segment loaded = loadIndex(file, ch, records, baseOffset, nowMs);
            if (loaded != null) return new Opened(loaded, records.sizeInBytes(), 0);
        }
        return scan(file, ch, records, baseOffset, nowMs);
    }

    private static Segment loadIndex(Path file, FileChannel ch, FileRecords records, long baseOffset, long nowMs)
            throws IOException {
        ByteBuffer buf = AtomicFiles.read(indexPath(file.getParent(), baseOffset));
        if (buf == null) return null;
        try {
            int version = buf.getInt();
            if (version != INDEX_VERSION && version != INDEX_VERSION_BEFORE_TRANSACTIONS) return null;
            int logBytes = buf.getInt();
            if (logBytes != records.sizeInBytes()) {
                log.warn("{}: index describes {} bytes but the file has {}; rebuilding", file, logBytes, records.sizeInBytes());
                return null;
            }
            long next = buf.getLong();
            long maxTs = buf.getLong();
            long offMaxTs = buf.getLong();
            SparseIndex oi = SparseIndex.readFrom(buf);
            SparseIndex ti = SparseIndex.readFrom(buf);
            Segment seg = new Segment(baseOffset, file, ch, records, oi, ti, next, maxTs, offMaxTs, nowMs);
            if (version == INDEX_VERSION) {
                int n = buf.getInt();
                if (n < 0 || n > buf.remaining() / 32) throw new IllegalStateException("bad aborted count " + n);
                for (int i = 0; i < n; i++) seg.addAborted(new AbortedTxn(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong()));
            }
            return seg;
        } catch (RuntimeException e) {
            log.warn("{}: unreadable index ({}); rebuilding", file, e.toString());
            return null;
        }
    }

    private static Opened scan(Path file, FileChannel ch, FileRecords records, long baseOffset, long nowMs)
            throws IOException {
        Segment seg = new Segment(baseOffset, file, ch, records, new SparseIndex(), new SparseIndex(), baseOffset,
                RecordBatch.NO_TIMESTAMP, -1, nowMs);
        seg.abortedKnown = false;
        int valid = 0;
        int batches = 0;
        String reason = null;
        try {
            for (FileChannelRecordBatch batch : records.batches()) {
                if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                    reason = "magic " + batch.magic() + " at position " + valid;
                    break;
                }
                batch.ensureValid();
                if (batch.baseOffset() < seg.nextOffset || batch.lastOffset() - baseOffset > Integer.MAX_VALUE
                        || batch.lastOffset() < batch.baseOffset()) {
                    reason = "offset " + batch.baseOffset() + " out of sequence at position " + valid;
                    break;
                }
                seg.indexBatch(batch.lastOffset(), batch.maxTimestamp(), valid, batch.sizeInBytes());
                valid += batch.sizeInBytes();
                batches++;
            }
        } catch (CorruptRecordException | org.apache.kafka.common.InvalidRecordException e) {
            reason = e.getMessage() + " at position " + valid;
        }
        int size = records.sizeInBytes();
        if (valid < size) {
            log.warn("{}: {} bytes after position {} are not whole valid batches ({})", file, size - valid, valid,
                    reason == null ? "incomplete batch at the tail" : reason);
        }
        return new Opened(seg, valid, batches);
    }

    /** Recovery: cuts the file to its {@code validBytes} durably. */
    void cutTail(int validBytes) throws IOException {
        log.warn("{}: recovery truncates {} bytes after position {}", logFile, sizeInBytes() - validBytes, validBytes);
        records.truncateTo(validBytes);
        channel.force(true);
    }

    /**
     * Appends one batch (offsets already assigned) and indexes it. Caller holds the partition lock.
     * Returns the file position the batch starts at.
     */
    int append(MemoryRecords batchRecords, long lastOffset, long batchMaxTimestamp, long nowMs) throws IOException {
        int position = records.sizeInBytes();
        int size = batchRecords.sizeInBytes();
        // Written from a view: a write that fails half-way (ENOSPC) must not leave the caller's buffer consumed.
        int written = records.append(MemoryRecords.readableRecords(batchRecords.buffer()));
        if (written != size) throw new IOException("short write: " + written + " of " + size + " bytes");
        indexBatch(lastOffset, batchMaxTimestamp, position, size);
        if (position == 0) firstAppendMs = nowMs;
        return position;
    }

    private void indexBatch(long lastOffset, long batchMaxTimestamp, int position, int size) {
        assert lastOffset >= nextOffset : "offsets must grow: " + lastOffset + " < " + nextOffset;
        if (batchMaxTimestamp > maxTimestamp) {
            maxTimestamp = batchMaxTimestamp;
            offsetOfMaxTimestamp = lastOffset;
        }
        if (offsetIndex.size() == 0 || bytesSinceIndexEntry >= Limits.INDEX_INTERVAL_BYTES) {
            offsetIndex.append(lastOffset, position);
            if (maxTimestamp > timeIndex.lastKey() || timeIndex.size() == 0) {
                timeIndex.append(maxTimestamp, (int) (offsetOfMaxTimestamp - baseOffset));
            }
            bytesSinceIndexEntry = 0;
        }
        bytesSinceIndexEntry += size;
        nextOffset = lastOffset + 1;
    }

    /** Cut everything from {@code offset} on (recovery of a partition whose later data is bad). */
    void truncateFrom(long offset) throws IOException {
        // Rebuild from scratch over the kept prefix: rare path, simplicity over speed.
        FileChannelRecordBatch cut = null;
        for (FileChannelRecordBatch b : records.batches()) {
            if (b.lastOffset() >= offset) {
                cut = b;
                break;
            }
        }
        if (cut == null) return;
        records.truncateTo(cut.position());
        channel.force(true);
    }

    /** File position to start scanning from to find {@code offset}: a batch at or before it. */
    int positionHint(long offset) {
        // An entry (k, p) says the batch starting at p ends at offset k <= offset: the wanted batch is that one
        // (k == offset) or a later one, so scanning forward from p finds it.
        int slot = offsetIndex.floorSlot(offset, false);
        return slot < 0 ? 0 : offsetIndex.valueAt(slot);
    }

    /** Start position for a search by timestamp: before every record with timestamp >= target. */
    long offsetHintForTimestamp(long target) {
        int slot = timeIndex.floorSlot(target, true);
        return slot < 0 ? baseOffset : baseOffset + timeIndex.valueAt(slot);
    }

    void writeIndex(FileOpener opener) throws IOException {
        assert abortedKnown : "an index is written only once recovery rebuilt the aborted list";
        List<AbortedTxn> ab = aborted();
        ByteBuffer buf = ByteBuffer.allocate(4 + 4 + 8 + 8 + 8 + offsetIndex.serializedSize() + timeIndex.serializedSize()
                + 4 + ab.size() * 32);
        buf.putInt(INDEX_VERSION).putInt(records.sizeInBytes()).putLong(nextOffset).putLong(maxTimestamp)
                .putLong(offsetOfMaxTimestamp);
        offsetIndex.writeTo(buf);
        timeIndex.writeTo(buf);
        buf.putInt(ab.size());
        for (AbortedTxn a : ab) {
            buf.putLong(a.producerId()).putLong(a.firstOffset()).putLong(a.lastOffset()).putLong(a.lastStableOffset());
        }
        AtomicFiles.write(opener, indexFile, buf.flip());
    }

    /** Adds an aborted transaction whose marker is in this segment (partition lock held, or during load). */
    void addAborted(AbortedTxn a) {
        int n = abortedCount;
        assert n == 0 || aborted[n - 1].lastOffset() < a.lastOffset() : "aborted index in marker order";
        AbortedTxn[] arr = aborted;
        if (n == arr.length) {
            arr = java.util.Arrays.copyOf(arr, Math.max(4, n * 2));
            arr[n] = a;
            aborted = arr;
        } else {
            arr[n] = a;
        }
        abortedCount = n + 1;
    }

    /** This segment's aborted transactions, in marker order (a snapshot view). */
    List<AbortedTxn> aborted() {
        int n = abortedCount;
        return java.util.Arrays.asList(aborted).subList(0, n);
    }

    boolean abortedKnown() {
        return abortedKnown;
    }

    /** Recovery: the list is about to be rebuilt from the records (or was). */
    void resetAborted(boolean known) {
        aborted = new AbortedTxn[0];
        abortedCount = 0;
        abortedKnown = known;
    }

    void deleteIndexFile() throws IOException {
        Files.deleteIfExists(indexFile);
    }

    void flush() throws IOException {
        channel.force(false);
    }

    long nextOffset() {
        return nextOffset;
    }

    boolean isEmpty() {
        return records.sizeInBytes() == 0;
    }

    int sizeInBytes() {
        return records.sizeInBytes();
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    long offsetOfMaxTimestamp() {
        return offsetOfMaxTimestamp;
    }

    long firstAppendMs() {
        return firstAppendMs;
    }

    /** Last-modified time used by retention when the segment has no timestamps. */
    long lastModifiedMs() {
        try {
            return Files.getLastModifiedTime(logFile).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    FileChannel channel() {
        return channel;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("closing {}: {}", logFile, e.toString());
        }
    }

    @Override
    public String toString() {
        return "Segment(" + logFile.getFileName() + ", next=" + nextOffset + ", bytes=" + sizeInBytes() + ")";
    }
}

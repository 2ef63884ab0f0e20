package io.ledgerline.log;

import io.ledgerline.log.io.AtomicFiles;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One partition: a total order of record batches in segments, with dense, growing offsets.
 *
 * <p>Offsets, all of which only grow:
 * <pre>
 *   logStartOffset &lt;= highWatermark &lt;= logEndOffset
 *   [ deleted ... | readable and durable ............ | written, fsync pending ]
 * </pre>
 * With {@code durableAck} the high watermark is the durable end: it moves only after fdatasync, reads stop at
 * it, and an append's acknowledgement waits for it ({@link #durable}). So a consumer never sees a record that a
 * crash could take back. In interval mode it follows the log end offset at once.
 *
 * <p>Transactions. A transactional batch (producer id, epoch and sequence checked as for idempotence) opens
 * its producer's transaction here at its base offset, unless one is open; the end marker (a control batch
 * holding Kafka's EndTransactionMarker, appended only by the broker through {@link #appendMarker}) closes it.
 * The <em>last stable offset</em> is the first offset of the earliest undecided transaction, else the high
 * watermark, and never above the high watermark nor below the log start. A transaction stays undecided until
 * its marker is below the high watermark (durable), as Kafka keeps "unreplicated" completed transactions: a
 * crash may take back a marker that is not yet durable, and the transaction is then open again. Reads with
 * read_committed stop at the last stable offset and return the aborted transactions overlapping what they
 * return, from the aborted-transaction index (per segment, see {@link Segment}).
 * <pre>
 *   logStartOffset &lt;= lastStableOffset &lt;= highWatermark &lt;= logEndOffset
 * </pre>
 *
 * <p>Directory: {@code NNN.log}/{@code NNN.index} per segment (see {@link Segment}; the index holds the
 * segment's aborted transactions), {@code NNN.snapshot} producer-state snapshots (state before offset NNN,
 * with open transactions and the aborted transactions of the segment NNN falls in; written at each roll and at
 * clean shutdown; see {@link ProducerStateManager}), and {@code log-start-offset} (checkpoint moved by
 * DeleteRecords and retention).
 *
 * <p>Recovery of the transaction state: producer state and the aborted index of the segment holding the
 * snapshot offset come from the latest snapshot, those of earlier segments from their index files, and every
 * batch from the snapshot offset on is replayed. If an earlier segment has no valid index (it was scanned),
 * everything is rebuilt by replaying the whole log from empty state.
 *
 * <p>Threads: appends, rolls, retention and DeleteRecords hold {@link #lock}; reads are lock-free (segments
 * map, volatile positions); the high watermark and durability waiters are guarded by {@link #waiters}; every
 * fsync runs under {@link #fsyncLock}; the undecided transactions under {@link #undecided}'s monitor. Order:
 * {@link #lock}, then {@link #fsyncLock}, {@link #waiters} or {@link #undecided} (never two of these three).
 */
public final class PartitionLog {
    private static final Logger log = LoggerFactory.getLogger(PartitionLog.class);
    private static final String LOG_START_FILE = "log-start-offset";

    /** A log offset and where it is: the segment it falls in and its byte position there. */
    private record Position(long offset, Segment segment, int position) {}

    private record Waiter(long offset, CompletableFuture<Void> future) {}

    private final TopicPartition tp;
    private final Path dir;
    private final LogContext ctx;
    private volatile LogConfig config;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Serializes this log's fsyncs: the flusher's, a roll's, close's. Two concurrent fsyncs of one file can split
     * a write-back error: one gets EIO, the other then "succeeds" over the lost pages and would move the high
     * watermark over them. And the flusher picks its target under it, so that segment cannot be sealed,
     * deleted and closed while it is being synced. Order: {@link #lock} before this one.
     */
    private final ReentrantLock fsyncLock = new ReentrantLock();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.offset, b.offset));
    private final List<Runnable> highWatermarkListeners = new CopyOnWriteArrayList<>();
    private ProducerStateManager producers = new ProducerStateManager();
    /**
     * Undecided transactions: first offset to the offset of their marker, or -1 while open. An entry leaves once
     * its marker is below the high watermark (lazily, by {@link #lastStableOffset}).
     */
    private final java.util.TreeMap<Long, Long> undecided = new java.util.TreeMap<>();
    private volatile long logStartOffset;
    private volatile Position logEnd;
    private volatile Position highWatermark;
    private volatile Throwable failure;
    private volatile boolean closed;
    /** What opening did to the files (set once, by {@link #load}). */
    private Recovery recovery;

    /**
     * What opening this log found and cut: whether its segments were scanned (the tail after an unclean stop,
     * or a segment whose index did not match), the batches read doing so, and the cuts made.
     */
    record Recovery(boolean scanned, long batchesRead, List<RecoverySummary.Truncation> truncations) {}

    private PartitionLog(TopicPartition tp, Path dir, LogContext ctx, LogConfig config) {
        this.tp = tp;
        this.dir = dir;
        this.ctx = ctx;
        this.config = config;
    }

    /**
     * Opens (creating if needed) the partition in {@code dir}. After an unclean stop ({@code cleanShutdown}
     * false) the active segment is scanned batch by batch, CRCs checked, and the file cut at the first bad
     * byte; any segment whose index does not match its file is treated the same, and segments after a cut
     * are removed. Everything kept is fsynced before it becomes readable.
     */
    Recovery recovery() {
        return recovery;
    }

    public static PartitionLog open(TopicPartition tp, Path dir, LogConfig config, LogContext ctx, boolean cleanShutdown)
            throws IOException {
        AtomicFiles.createDirectories(ctx.opener(), dir);
        PartitionLog p = new PartitionLog(tp, dir, ctx, config);
        p.load(cleanShutdown);
        return p;
    }

    private void load(boolean cleanShutdown) throws IOException {
        long now = ctx.clockMs().getAsLong();
        TreeMap<Long, Path> logFiles = new TreeMap<>();
        TreeMap<Long, Path> snapshots = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path f : ds) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp")) Files.delete(f);
                else if (name.endsWith(".log")) logFiles.put(parseStem(name), f);
                else if (name.endsWith(".snapshot")) snapshots.put(parseStem(name), f);
            }
        }
        List<Long> bases = new ArrayList<>(logFiles.keySet());
        boolean scanned = false;
        long batchesRead = 0;
        List<RecoverySummary.Truncation> cuts = new ArrayList<>();
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            boolean last = i == bases.size() - 1;
            Segment.Opened o = Segment.open(ctx.opener(), dir, base, now, cleanShutdown || !last);
            batchesRead += o.batchesRead();
            scanned |= (!cleanShutdown && last) || o.batchesRead() > 0 || o.tornTail();
            Segment prev = segments.isEmpty() ? null : segments.lastEntry().getValue();
            if (prev != null && prev.nextOffset() > base) {
                throw new IOException(tp + ": segment " + base + " overlaps the previous one ending at " + prev.nextOffset());
            }
            segments.put(base, o.segment());
            // Segments are contiguous (a roll starts the next one at the previous one's end), so one that ends
            // before the next begins has lost its tail, cut at a batch boundary (its CRCs all check out): the
            // offsets in between are gone, and nothing after the hole may be served.
            boolean lostTail = !last && o.segment().nextOffset() < bases.get(i + 1);
            if (lostTail) {
                log.warn("{}: segment {} ends at offset {} but the next one starts at {}: its tail is lost, the log ends there",
                        tp, Segment.fileStem(base), o.segment().nextOffset(), bases.get(i + 1));
            }
            if (o.tornTail() || lostTail) {
                // The log ends here. The segments after it go first, durably: were this one cut first and the
                // power lost before they went, the next start would find it whole and keep them behind a hole.
                List<Long> after = bases.subList(i + 1, bases.size());
                if (o.tornTail()) {
                    cuts.add(new RecoverySummary.Truncation(tp, o.segment().logFile.getFileName().toString(),
                            o.validBytes(), o.segment().nextOffset(), o.segment().sizeInBytes() - o.validBytes(), false));
                }
                for (long later : after) {
                    log.warn("{}: removing segment {} after a truncated one", tp, Segment.fileStem(later));
                    Path laterLog = Segment.logPath(dir, later);
                    long size = Files.exists(laterLog) ? Files.size(laterLog) : 0;
                    Files.deleteIfExists(Segment.indexPath(dir, later));
                    Files.deleteIfExists(laterLog);
                    cuts.add(new RecoverySummary.Truncation(tp, laterLog.getFileName().toString(), 0, later, size, true));
                }
                if (!after.isEmpty()) ctx.opener().syncDirectory(dir);
                o.segment().cutTail(o.validBytes());
                break;
            }
        }
        recovery = new Recovery(scanned, batchesRead, List.copyOf(cuts));
        if (segments.isEmpty()) {
            segments.put(0L, Segment.create(ctx.opener(), dir, 0L, now));
        }
        Segment active = segments.lastEntry().getValue();
        // The active segment's index goes stale with the next append: it is written again at roll or clean close.
        active.deleteIndexFile();
        if (!cleanShutdown) active.flush(); // bytes that survived a kill in the page cache become durable before use
        Position end = new Position(active.nextOffset(), active, active.sizeInBytes());
        logEnd = end;
        highWatermark = end;

        ByteBuffer lso = AtomicFiles.read(dir.resolve(LOG_START_FILE));
        long checkpoint = lso == null ? 0 : lso.getLong();
        logStartOffset = Math.min(Math.max(checkpoint, segments.firstKey()), end.offset());
        if (checkpoint > end.offset()) {
            // DeleteRecords went past what survived the crash (interval mode acknowledges unsynced offsets). The
            // offsets from the end on will be given to new records, which that old checkpoint must not hide.
            AtomicFiles.write(ctx.opener(), dir.resolve(LOG_START_FILE), ByteBuffer.allocate(8).putLong(logStartOffset).flip());
        }

        loadProducerState(snapshots, end.offset(), now);
        log.debug("{}: opened, offsets [{}, {}), {} segments", tp, logStartOffset, end.offset(), segments.size());
    }

    private void loadProducerState(TreeMap<Long, Path> snapshots, long endOffset, long now) throws IOException {
        long from = segments.firstKey();
        ProducerStateManager state = null;
        for (Map.Entry<Long, Path> e : snapshots.descendingMap().entrySet()) {
            if (e.getKey() > endOffset) {
                Files.deleteIfExists(e.getValue()); // describes offsets recovery cut away
                continue;
            }
            ByteBuffer buf = AtomicFiles.read(e.getValue());
            if (buf == null) continue;
            try {
                state = ProducerStateManager.fromSnapshot(buf, now);
                from = e.getKey();
                break;
            } catch (RuntimeException ex) {
                log.warn("{}: unreadable producer snapshot {} ({}); trying an older one", tp, e.getValue(), ex.toString());
            }
        }
        long replaySegment = segments.floorKey(Math.max(from, segments.firstKey()));
        boolean earlierKnown = true;
        for (Segment s : segments.headMap(replaySegment).values()) earlierKnown &= s.abortedKnown();
        if (state == null || !earlierKnown) {
            if (state != null) log.warn("{}: a segment before offset {} has no valid index: rebuilding the transaction state from the whole log", tp, from);
            state = new ProducerStateManager();
            from = segments.firstKey();
            replaySegment = from;
        }
        producers = state;
        for (Segment s : segments.tailMap(replaySegment).values()) s.resetAborted(true);
        Segment first = segments.get(replaySegment);
        for (AbortedTxn a : state.snapshotAborted()) {
            if (a.lastOffset() >= replaySegment && a.lastOffset() < from) first.addAborted(a);
        }
        synchronized (undecided) {
            undecided.clear();
            for (long txnFirst : producers.ongoing().keySet()) undecided.put(txnFirst, -1L);
        }
        for (Segment s : segments.tailMap(replaySegment).values()) {
            for (FileChannelRecordBatch b : s.records.batches()) {
                if (b.baseOffset() >= from) applyToState(s, b, b.isControlBatch() ? endMarker(b) : null);
            }
        }
        // What expired while the broker was down goes now (Kafka drops it as it loads the snapshot).
        int expired = producers.removeExpired(now, ctx.producerIdExpirationMs());
        if (expired > 0) log.info("{}: {} idle producer(s) expired while stopped", tp, expired);
    }

    /** The transaction marker a stored control batch holds, or null when it holds another control record or is unreadable. */
    private static EndTransactionMarker endMarker(RecordBatch b) {
        try (CloseableIterator<Record> it = b.streamingIterator(BufferSupplier.NO_CACHING, Limits.STORED_RECORD_BYTES_MAX)) {
            if (!it.hasNext()) return null;
            Record r = it.next();
            ControlRecordType type = ControlRecordType.parse(r.key());
            return type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT ? EndTransactionMarker.deserialize(r) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Applies a batch written at {@code seg} (appended, or replayed by recovery) to the producer and transaction
     * state. Holds {@link #lock}, or runs in {@link #load} before the log is shared.
     */
    private void applyToState(Segment seg, RecordBatch b, EndTransactionMarker marker) {
        assert b.isControlBatch() || marker == null : "only a control batch holds a marker";
        if (!b.isControlBatch()) {
            if (producers.update(b)) {
                synchronized (undecided) {
                    undecided.put(b.baseOffset(), -1L);
                }
            }
            return;
        }
        if (!b.hasProducerId() || marker == null) return;
        // The batch's max timestamp is that of its one record, the marker (Kafka keeps the marker record's).
        ProducerStateManager.CompletedTxn c = producers.completeTxn(b.producerId(), b.producerEpoch(),
                marker.coordinatorEpoch(), b.baseOffset(), b.maxTimestamp(), marker.controlType() == ControlRecordType.ABORT);
        if (c == null) return;
        if (c.aborted()) {
            long nextOpen = producers.firstOngoingOffset();
            seg.addAborted(new AbortedTxn(c.producerId(), c.firstOffset(), c.lastOffset(),
                    nextOpen >= 0 ? nextOpen : c.lastOffset() + 1));
        }
        synchronized (undecided) {
            undecided.put(c.firstOffset(), c.lastOffset());
        }
    }

    private static long parseStem(String name) {
        return Long.parseLong(name.substring(0, name.indexOf('.')));
    }

    // ---------------------------------------------------------------- append

    /**
     * Validates and appends one record batch (as sent by a producer: offsets are assigned here, in place):
     * {@link #validate(MemoryRecords)} then {@link #append(ValidatedBatch)}. Throws the Kafka exception whose
     * error code the producer should get: RecordTooLargeException, CorruptRecordException,
     * InvalidRecordException, OutOfOrderSequenceException, InvalidProducerEpochException, KafkaStorageException.
     */
    public AppendResult append(MemoryRecords records) {
        return append(validate(records, null));
    }

    /** {@link #validate(MemoryRecords, RecordVisitor)} with no visitor. */
    public ValidatedBatch validate(MemoryRecords records) {
        return validate(records, null);
    }

    /**
     * Checks one producer batch without taking the lock: exactly one batch, within {@code max.message.bytes},
     * format v2, CRC, header fields, and its records decompressed once (offsets contiguous, keys present on a
     * compacted topic). {@code visitor}, if not null, sees each record as that pass decodes it. Throws
     * RecordTooLargeException, CorruptRecordException or InvalidRecordException. Safe on any thread; the result
     * is appended at most once.
     */
    public ValidatedBatch validate(MemoryRecords records, RecordVisitor visitor) {
        MutableRecordBatch batch = onlyBatch(records);
        LogConfig cfg = config;
        validate(batch, cfg, visitor);
        return new ValidatedBatch(this, records, batch, cfg);
    }

    /**
     * Appends a batch this log validated: under the lock, checks the producer state (a retry of a stored batch
     * answers the stored offsets), assigns offsets and writes. Throws OutOfOrderSequenceException,
     * InvalidProducerEpochException, KafkaStorageException.
     */
    public AppendResult append(ValidatedBatch validated) {
        assert validated.log == this : "a batch is appended to the log that validated it";
        MutableRecordBatch batch = validated.batch;
        LogConfig cfg = validated.config;
        lock.lock();
        try {
            checkWritable();
            if (batch.hasProducerId()) {
                ProducerStateManager.BatchMetadata dup = producers.check(batch);
                if (dup != null) {
                    return new AppendResult(dup.firstOffset(), dup.lastOffset(),
                            cfg.timestampType() == TimestampType.LOG_APPEND_TIME ? dup.maxTimestamp() : -1,
                            logStartOffset, true);
                }
            }
            return write(validated.records, batch, cfg, null);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends the end marker of {@code producerId}'s transaction: a control batch with Kafka's
     * EndTransactionMarker ({@code COMMIT} or {@code ABORT}), as a coordinator of transaction version 1 writes it.
     * See {@link #appendMarker(long, short, ControlRecordType, int, short)}.
     */
    public AppendResult appendMarker(long producerId, short producerEpoch, ControlRecordType type, int coordinatorEpoch) {
        return appendMarker(producerId, producerEpoch, type, coordinatorEpoch, (short) 1);
    }

    /**
     * Appends the end marker of {@code producerId}'s transaction. Only the broker calls this (its transaction
     * coordinator, and WriteTxnMarkers); producers cannot write control batches. A marker with an epoch older than
     * the producer's here is InvalidProducerEpochException (with {@code transactionVersion} 2 or more, the same
     * epoch too, but for the retry of a marker that already closed the transaction); a newer one fences the older
     * epoch. A {@code coordinatorEpoch} older than that of the producer's previous marker here is
     * TransactionCoordinatorFencedException. A marker for a producer with no open transaction here is stored all
     * the same (the partition was added but got no records), as Kafka does; it changes neither the last stable
     * offset nor the aborted-transaction index.
     */
    public AppendResult appendMarker(long producerId, short producerEpoch, ControlRecordType type, int coordinatorEpoch,
                                     short transactionVersion) {
        if (type != ControlRecordType.COMMIT && type != ControlRecordType.ABORT) {
            throw new IllegalArgumentException("a transaction marker is COMMIT or ABORT, not " + type);
        }
        if (producerId < 0) throw new IllegalArgumentException("a transaction marker needs a producer id, not " + producerId);
        lock.lock();
        try {
            checkWritable();
            producers.checkMarker(producerId, producerEpoch, coordinatorEpoch, transactionVersion);
            EndTransactionMarker marker = new EndTransactionMarker(type, coordinatorEpoch);
            MemoryRecords records = MemoryRecords.withEndTransactionMarker(0L, ctx.clockMs().getAsLong(), 0,
                    producerId, producerEpoch, marker);
            return write(records, records.batches().iterator().next(), config, marker);
        } finally {
            lock.unlock();
        }
    }

    private void checkWritable() {
        if (closed) throw new KafkaStorageException(tp + " is closed");
        if (failure != null) throw new KafkaStorageException(tp + " is offline after a storage failure: " + failure);
    }

    /** Assigns offsets to a validated batch, writes it, and applies it to the producer state. Holds {@link #lock}. */
    private AppendResult write(MemoryRecords records, MutableRecordBatch batch, LogConfig cfg, EndTransactionMarker marker) {
        assert lock.isHeldByCurrentThread();
        long now = ctx.clockMs().getAsLong();
        Position end = logEnd;
        long base = end.offset();
        long last = base + (batch.lastOffset() - batch.baseOffset());
        batch.setLastOffset(last);
        batch.setPartitionLeaderEpoch(0);
        long appendTime = -1;
        if (cfg.timestampType() == TimestampType.LOG_APPEND_TIME) {
            appendTime = now;
            batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
        }
        assert batch.baseOffset() == base : "offset assignment";

        Segment seg = end.segment();
        if (shouldRoll(seg, records.sizeInBytes(), last, cfg, now)) {
            seg = roll(end);
        }
        int position;
        try {
            position = seg.append(records, last, batch.maxTimestamp(), now);
        } catch (IOException e) {
            undoPartialWrite(seg, logEnd.position(), e);
            throw new KafkaStorageException(tp + ": write failed: " + e.getMessage(), e);
        }
        applyToState(seg, batch, marker);
        Position newEnd = new Position(last + 1, seg, position + records.sizeInBytes());
        logEnd = newEnd;
        // Durable mode: ask for the fsync now, not only when someone waits in durable(): acks=0/1 producers
        // never wait, and their records must still reach the high watermark (and so the consumers).
        if (ctx.durableAck()) ctx.flusher().requestFlush(this);
        else advanceHighWatermark(newEnd);
        return new AppendResult(base, last, appendTime, logStartOffset, false);
    }

    /**
     * The one whole batch that {@code records} must be. The batch iterator stops silently at bytes too few to be
     * a batch (a cut-short header or second batch); those would be written after the batch and corrupt the
     * segment for every later reader, so any byte not in the batch is refused.
     */
    private static MutableRecordBatch onlyBatch(MemoryRecords records) {
        Iterator<MutableRecordBatch> it = records.batches().iterator();
        if (!it.hasNext()) {
            if (records.sizeInBytes() == 0) throw new InvalidRecordException("no record batch");
            throw new CorruptRecordException("an incomplete record batch of " + records.sizeInBytes() + " bytes");
        }
        MutableRecordBatch batch = it.next();
        if (it.hasNext()) throw new InvalidRecordException("exactly one record batch per partition is accepted");
        if (batch.sizeInBytes() != records.sizeInBytes()) {
            throw new CorruptRecordException((records.sizeInBytes() - batch.sizeInBytes()) + " bytes after the record batch");
        }
        return batch;
    }

    private void validate(MutableRecordBatch batch, LogConfig cfg, RecordVisitor visitor) {
        if (batch.sizeInBytes() > cfg.maxMessageBytes()) {
            throw new RecordTooLargeException("batch of " + batch.sizeInBytes() + " bytes exceeds " + tp.topic()
                    + "'s max.message.bytes " + cfg.maxMessageBytes());
        }
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new InvalidRecordException("only record batch format v2 is accepted, got magic " + batch.magic());
        }
        batch.ensureValid(); // CRC32C over attributes..records; CorruptRecordException
        if (batch.isControlBatch()) throw new InvalidRecordException("producers may not write control batches");
        if (batch.isTransactional() && !batch.hasProducerId()) {
            throw new InvalidRecordException("a transactional record batch needs a producer id");
        }
        if (batch.hasProducerId() && batch.baseSequence() < 0) {
            // As Kafka's LogValidator: with no sequence every later batch of the producer would look like its retry.
            throw new InvalidRecordException("invalid sequence number " + batch.baseSequence()
                    + " in a record batch of producer id " + batch.producerId());
        }
        Integer count = batch.countOrNull();
        long lastOffsetDelta = batch.lastOffset() - batch.baseOffset();
        if (count == null || count < 1 || lastOffsetDelta != count - 1) {
            throw new CorruptRecordException("batch header says " + count + " records and last offset delta "
                    + lastOffsetDelta);
        }
        // Record level: decompress and check offsets are contiguous (and keys present for compacted topics).
        long expect = batch.baseOffset();
        int seen = 0;
        int recordBytesMax = Math.max(Limits.DECOMPRESSED_RECORD_BYTES_MAX, cfg.maxMessageBytes());
        try (CloseableIterator<Record> records = batch.streamingIterator(BufferSupplier.NO_CACHING, recordBytesMax)) {
            while (records.hasNext()) {
                Record r = records.next();
                if (r.offset() != expect) {
                    throw new InvalidRecordException("record offset delta " + (r.offset() - batch.baseOffset())
                            + " where " + (expect - batch.baseOffset()) + " was expected");
                }
                if (cfg.compact() && !r.hasKey()) {
                    throw new InvalidRecordException("compacted topic " + tp.topic() + " requires a key on every record");
                }
                if (visitor != null) visitor.visit(seen, r);
                expect++;
                seen++;
            }
        } catch (InvalidRecordException | CorruptRecordException e) {
            throw e;
        } catch (RuntimeException e) {
            // KafkaException from a broken compressed stream, IllegalArgumentException from an unknown codec id,
            // and whatever else a decoder throws at hostile input: all mean the producer sent bad bytes.
            throw new CorruptRecordException("undecodable records: " + e, e);
        } catch (Error e) {
            // snappy-java reports a corrupt stream as SnappyError, an Error; any other Error is the JVM's own.
            if (!e.getClass().getName().startsWith("org.xerial.snappy.")) throw e;
            throw new CorruptRecordException("undecodable snappy records: " + e, e);
        }
        if (seen != count) throw new InvalidRecordException("batch header says " + count + " records but holds " + seen);
    }

    private boolean shouldRoll(Segment seg, int batchBytes, long lastOffset, LogConfig cfg, long now) {
        if (seg.isEmpty()) return false;
        return (long) seg.sizeInBytes() + batchBytes > cfg.segmentBytes()
                || now - seg.firstAppendMs() >= cfg.segmentMs()
                || lastOffset - seg.baseOffset > Integer.MAX_VALUE;
    }

    /**
     * Seals the active segment (fsync, index, producer snapshot) and starts a new one. Holds lock.
     *
     * <p>A failed fsync takes the partition offline (see {@link #flush}). Any later failure (typically ENOSPC)
     * leaves the log as it was: the old segment stays active, and what the roll wrote is harmless — an index
     * that the next append makes stale is ignored at open, a snapshot inside the active segment is a valid
     * snapshot, and a half-created segment file is removed by {@link Segment#create}.
     */
    private Segment roll(Position end) {
        assert lock.isHeldByCurrentThread();
        Segment old = end.segment();
        try {
            fsyncHoldingLock(old);
        } catch (IOException e) {
            throw new KafkaStorageException(tp + ": segment roll failed: " + e.getMessage(), e);
        }
        advanceHighWatermark(end); // the segment was just fsynced whole
        Segment next;
        try {
            old.writeIndex(ctx.opener());
            AtomicFiles.write(ctx.opener(), snapshotPath(end.offset()), producers.snapshot(old.aborted()));
            pruneSnapshots();
            next = Segment.create(ctx.opener(), dir, end.offset(), ctx.clockMs().getAsLong());
        } catch (IOException e) {
            throw new KafkaStorageException(tp + ": segment roll failed: " + e.getMessage(), e);
        }
        segments.put(next.baseOffset, next);
        Position newEnd = new Position(end.offset(), next, 0);
        logEnd = newEnd;
        advanceHighWatermark(newEnd);
        return next;
    }

    private void undoPartialWrite(Segment seg, int goodPosition, IOException cause) {
        try {
            seg.records.truncateTo(goodPosition);
            log.warn("{}: write failed ({}); cut back to {} bytes", tp, cause.toString(), goodPosition);
        } catch (IOException e) {
            markFailed(e);
        }
    }

    private Path snapshotPath(long offset) {
        return dir.resolve(Segment.fileStem(offset) + ".snapshot");
    }

    private void pruneSnapshots() throws IOException {
        List<Path> snaps = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.snapshot")) {
            ds.forEach(snaps::add);
        }
        snaps.sort(null);
        for (int i = 0; i < snaps.size() - Limits.PRODUCER_SNAPSHOTS_KEPT; i++) Files.deleteIfExists(snaps.get(i));
    }

    // ---------------------------------------------------------------- durability

    /**
     * Completes once every offset up to {@code lastOffset} is durable (immediately in interval mode), or
     * exceptionally with KafkaStorageException if the fsync failed.
     */
    public CompletableFuture<Void> durable(long lastOffset) {
        if (!ctx.durableAck()) return CompletableFuture.completedFuture(null);
        CompletableFuture<Void> f;
        synchronized (waiters) {
            if (failure != null) return CompletableFuture.failedFuture(storageError());
            if (highWatermark.offset() > lastOffset) return CompletableFuture.completedFuture(null);
            // Closed (or deleted) without reaching lastOffset: no flush will ever come. close() sets the flag
            // before it drains the waiters under this monitor, so a waiter added here is never stranded.
            if (closed) return CompletableFuture.failedFuture(new KafkaStorageException(tp + " is closed"));
            f = new CompletableFuture<>();
            waiters.add(new Waiter(lastOffset, f));
        }
        ctx.flusher().requestFlush(this);
        return f;
    }

    /** What the last successful flush covered; written only by the flushing thread. */
    private volatile Position flushedEnd;

    /**
     * fdatasync of what was appended so far, then the high watermark moves there and waiting appends are
     * acknowledged. Called by the flusher, never concurrently for one log. A failed fsync takes the partition
     * offline: the pages' state is unknown, so nothing more is acknowledged until a restart recovers the log.
     * That includes later flushes: Linux reports a write-back error once and marks the lost pages clean, so the
     * next fsync "succeeds" without them; the high watermark must never move over them.
     */
    public void flush() {
        Position target;
        fsyncLock.lock();
        try {
            if (failure != null) return;
            target = logEnd;
            Position done = flushedEnd;
            if (done == null || done.offset() != target.offset() || done.position() != target.position()) {
                try {
                    target.segment().flush();
                } catch (IOException | RuntimeException e) {
                    if (!closed) markFailed(e);
                    return;
                }
                flushedEnd = target;
            }
            // Else another thread's fsync covered it, but that thread moves the high watermark only after it
            // releases the lock, maybe not yet: a caller of flush() (the metadata log) relies on it having moved.
            // So the high watermark is moved here in both cases.
        } finally {
            fsyncLock.unlock();
        }
        advanceHighWatermark(target); // outside the lock: it runs listeners
    }

    /** fsync of {@code seg} by a roll or close (holding {@link #lock}); a failure takes the log offline. */
    private void fsyncHoldingLock(Segment seg) throws IOException {
        assert lock.isHeldByCurrentThread();
        fsyncLock.lock();
        try {
            if (failure != null) throw new IOException("an earlier fsync failed: " + failure);
            seg.flush();
        } catch (IOException e) {
            markFailed(e);
            throw e;
        } finally {
            fsyncLock.unlock();
        }
    }

    private void advanceHighWatermark(Position to) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        synchronized (waiters) {
            if (to.offset() < highWatermark.offset() || to.equals(highWatermark)) return;
            highWatermark = to;
            while (!waiters.isEmpty() && waiters.peek().offset() < to.offset()) done.add(waiters.poll().future());
        }
        for (CompletableFuture<Void> f : done) f.complete(null);
        for (Runnable r : highWatermarkListeners) {
            // A listener's bug must not escape into the flusher (whose thread would die, and every later ack
            // with it) nor into an append whose batch is already written.
            try {
                r.run();
            } catch (RuntimeException e) {
                log.error("{}: high watermark listener failed", tp, e);
            }
        }
    }

    private void markFailed(Throwable e) {
        List<Waiter> failed;
        synchronized (waiters) {
            if (failure == null) {
                failure = e;
                log.error("{}: storage failure, partition offline until restart: {}", tp, e.toString());
            }
            failed = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter w : failed) w.future().completeExceptionally(storageError());
    }

    private KafkaStorageException storageError() {
        return new KafkaStorageException(tp + " is offline after a storage failure: " + failure);
    }

    public boolean isOffline() {
        return failure != null;
    }

    /** Called (on the flushing or appending thread) whenever the high watermark moves. Keep it cheap. */
    public void addHighWatermarkListener(Runnable r) {
        highWatermarkListeners.add(r);
    }

    public void removeHighWatermarkListener(Runnable r) {
        highWatermarkListeners.remove(r);
    }

    /** How many high watermark listeners are registered (for tests: a waiting fetch registers one). */
    public int highWatermarkListenerCount() {
        return highWatermarkListeners.size();
    }

    // ---------------------------------------------------------------- read

    /** {@link #read(long, int, boolean, IsolationLevel)} with read_uncommitted. */
    public ReadResult read(long offset, int maxBytes, boolean minOneBatch) {
        return read(offset, maxBytes, minOneBatch, IsolationLevel.READ_UNCOMMITTED);
    }

    /**
     * Reads whole batches starting with the one holding {@code offset}, up to {@code maxBytes} (at least one
     * batch when {@code minOneBatch}, as KIP-74 requires for the first partition of a fetch), never beyond the
     * high watermark — with read_committed never beyond the last stable offset — and never across a segment
     * boundary. With read_committed the result lists the aborted transactions overlapping the returned batches.
     *
     * @throws OffsetOutOfRangeException when offset is before the log start or after the high watermark
     */
    public ReadResult read(long offset, int maxBytes, boolean minOneBatch, IsolationLevel isolation) {
        Position hw = highWatermark;
        long start = logStartOffset;
        long lso = Math.min(lastStableOffset(), hw.offset());
        if (offset < start || offset > hw.offset()) {
            throw new OffsetOutOfRangeException("offset " + offset + " is outside [" + start + ", " + hw.offset() + "] of " + tp);
        }
        if (failure != null) throw storageError();
        boolean committed = isolation == IsolationLevel.READ_COMMITTED;
        List<AbortedTxn> none = committed ? List.of() : null;
        long endOffset = committed ? lso : hw.offset();
        if (offset >= endOffset || maxBytes <= 0 && !minOneBatch) return new ReadResult(MemoryRecords.EMPTY, hw.offset(), lso, start, none);
        Position bound = endOffset == hw.offset() ? hw : positionOf(endOffset);
        if (bound == null) return new ReadResult(MemoryRecords.EMPTY, hw.offset(), lso, start, none);
        Map.Entry<Long, Segment> e = segments.floorEntry(offset);
        while (e != null) {
            Segment seg = e.getValue();
            int maxPosition = seg == bound.segment() ? bound.position() : seg.sizeInBytes();
            FileRecords.LogOffsetPosition p = seg.records.searchForOffsetFromPosition(offset, seg.positionHint(offset));
            if (p != null && p.position < maxPosition) {
                int want = minOneBatch ? Math.max(maxBytes, p.size) : maxBytes;
                int size = Math.min(maxPosition - p.position, want);
                FileRecords slice = seg.records.slice(p.position, size);
                return new ReadResult(slice, hw.offset(), lso, start, committed ? abortedIn(slice, offset, endOffset) : null);
            }
            if (seg == bound.segment()) break;
            e = segments.higherEntry(e.getKey());
        }
        return new ReadResult(MemoryRecords.EMPTY, hw.offset(), lso, start, none);
    }

    /** Where the batch holding {@code offset} starts (offset below the high watermark), or null if it is gone. */
    private Position positionOf(long offset) {
        Map.Entry<Long, Segment> e = segments.floorEntry(offset);
        if (e == null) return null;
        Segment seg = e.getValue();
        FileRecords.LogOffsetPosition p = seg.records.searchForOffsetFromPosition(offset, seg.positionHint(offset));
        return p == null ? null : new Position(offset, seg, p.position);
    }

    /**
     * The aborted transactions that may have records among {@code slice}'s whole batches, which start at or
     * before {@code from} and end before {@code bound}: those whose marker is at or after {@code from} and that
     * began before the offset after the last whole batch. Ordered by first offset.
     */
    private List<AbortedTxn> abortedIn(FileRecords slice, long from, long bound) {
        List<AbortedTxn> candidates = collectAborted(from, bound);
        if (candidates.isEmpty()) return candidates;
        long upper = from;
        for (FileChannelRecordBatch b : slice.batches()) upper = b.nextOffset(); // stops before a partial batch
        List<AbortedTxn> out = new ArrayList<>();
        for (AbortedTxn a : candidates) if (a.firstOffset() < upper) out.add(a);
        return out;
    }

    /**
     * Aborted transactions with marker at or after {@code from} that began before {@code upper}, by first offset.
     * The scan stops at the first entry whose last stable offset reaches {@code upper}: every transaction that
     * began before it was decided by then (as Kafka's TransactionIndex search).
     */
    List<AbortedTxn> collectAborted(long from, long upper) {
        List<AbortedTxn> out = new ArrayList<>();
        Long first = segments.floorKey(from);
        scan:
        for (Segment seg : (first == null ? segments : segments.tailMap(first)).values()) {
            for (AbortedTxn a : seg.aborted()) {
                if (a.lastOffset() >= from && a.firstOffset() < upper) out.add(a);
                if (a.lastStableOffset() >= upper) break scan;
            }
        }
        out.sort((x, y) -> Long.compare(x.firstOffset(), y.firstOffset()));
        return out;
    }

    /**
     * First offset of the earliest undecided transaction (open, or its marker not yet below the high watermark),
     * else the high watermark; never below the log start offset.
     */
    public long lastStableOffset() {
        synchronized (undecided) {
            long hw = highWatermark.offset();
            long lso = hw;
            while (!undecided.isEmpty()) {
                Map.Entry<Long, Long> first = undecided.firstEntry();
                long marker = first.getValue();
                if (marker >= 0 && marker < hw) {
                    undecided.pollFirstEntry(); // decided and durable
                    continue;
                }
                lso = Math.min(first.getKey(), hw);
                break;
            }
            return Math.max(lso, logStartOffset);
        }
    }

    /**
     * Feeds every record from the log start to the high watermark to {@code apply}, oldest first: how the
     * broker's internal logs (metadata, offsets, transactions) rebuild their state at start.
     */
    public void replay(java.util.function.Consumer<org.apache.kafka.common.record.internal.Record> apply) {
        long offset = logStartOffset;
        long end = highWatermark();
        while (offset < end) {
            ReadResult r = read(offset, 1024 * 1024, true);
            long next = offset;
            for (RecordBatch batch : r.records().batches()) {
                for (org.apache.kafka.common.record.internal.Record rec : batch) {
                    if (rec.offset() >= offset) apply.accept(rec);
                }
                next = batch.nextOffset();
            }
            if (next == offset) break;
            offset = next;
        }
    }

    /** First record with timestamp >= target at or after the log start and before the high watermark, or null. */
    public OffsetAndTimestamp offsetForTimestamp(long target) {
        Position hw = highWatermark;
        long start = logStartOffset;
        for (Segment seg : segments.values()) {
            if (seg.maxTimestamp() < target || seg.nextOffset() <= start) continue;
            long fromOffset = Math.max(seg.offsetHintForTimestamp(target), start);
            FileRecords.TimestampAndOffset t = seg.records.searchForTimestamp(target, seg.positionHint(fromOffset), fromOffset, Limits.STORED_RECORD_BYTES_MAX);
            if (t == null) continue;
            if (t.offset >= hw.offset()) return null;
            return new OffsetAndTimestamp(t.offset, t.timestamp);
        }
        return null;
    }

    /**
     * The record with the largest timestamp among the readable ones (log start offset to high watermark), the
     * first such when several share it; null when none has a timestamp.
     */
    public OffsetAndTimestamp maxTimestamp() {
        Position hw = highWatermark;
        long start = logStartOffset;
        long best = RecordBatch.NO_TIMESTAMP;
        for (Segment seg : segments.values()) {
            if (seg.baseOffset >= hw.offset()) break;
            if (seg.nextOffset() <= start) continue;
            // The segment's own maximum counts only if all its records are readable: none below the log start
            // (DeleteRecords moves it into the middle of a segment) and none beyond the high watermark.
            boolean whole = seg.baseOffset >= start && !(seg == hw.segment() && seg.offsetOfMaxTimestamp() >= hw.offset());
            long ts = whole ? seg.maxTimestamp() : maxTimestampOf(seg, start, seg == hw.segment() ? hw.position() : seg.sizeInBytes());
            if (ts > best) best = ts;
        }
        if (best == RecordBatch.NO_TIMESTAMP) return null;
        OffsetAndTimestamp first = offsetForTimestamp(best);
        return first == null ? null : new OffsetAndTimestamp(first.offset(), best);
    }

    /** Largest timestamp of the records at or after {@code fromOffset} in batches that start before {@code endPosition}. */
    private static long maxTimestampOf(Segment seg, long fromOffset, int endPosition) {
        long best = RecordBatch.NO_TIMESTAMP;
        for (FileChannelRecordBatch b : seg.records.batchesFrom(seg.positionHint(fromOffset))) {
            if (b.position() >= endPosition) break;
            if (b.lastOffset() < fromOffset) continue;
            if (b.baseOffset() >= fromOffset) {
                best = Math.max(best, b.maxTimestamp());
                continue;
            }
            // The batch that holds the log start: only its records from there on count.
            try (CloseableIterator<Record> it = b.streamingIterator(BufferSupplier.NO_CACHING, Limits.STORED_RECORD_BYTES_MAX)) {
                while (it.hasNext()) {
                    Record r = it.next();
                    if (r.offset() >= fromOffset) best = Math.max(best, r.timestamp());
                }
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- deletion

    /**
     * DeleteRecords: makes {@code offset} the new log start (records before it are no longer readable) and
     * removes segments wholly before it. Returns the resulting log start offset.
     */
    public long deleteRecordsBefore(long offset) {
        lock.lock();
        try {
            long hw = highWatermark.offset();
            if (offset < 0 || offset > hw) {
                throw new OffsetOutOfRangeException("delete-records offset " + offset + " is outside [0, " + hw + "] of " + tp);
            }
            if (offset > logStartOffset) {
                setLogStartOffset(offset);
                deleteSegmentsBelow(offset);
            }
            return logStartOffset;
        } finally {
            lock.unlock();
        }
    }

    private void setLogStartOffset(long offset) {
        try {
            AtomicFiles.write(ctx.opener(), dir.resolve(LOG_START_FILE), ByteBuffer.allocate(8).putLong(offset).flip());
        } catch (IOException e) {
            markFailed(e);
            throw new KafkaStorageException(tp + ": cannot persist log start offset: " + e.getMessage(), e);
        }
        logStartOffset = offset;
    }

    private void deleteSegmentsBelow(long offset) {
        for (Segment s : new ArrayList<>(segments.values())) {
            if (s == logEnd.segment() || s.nextOffset() > offset) break;
            deleteSegment(s);
        }
    }

    /**
     * Applies retention (time, then size) to sealed segments, rolling the active one first when it is due by
     * segment.ms or entirely past retention.ms. Returns the number of segments deleted. A topic whose cleanup.policy
     * lacks {@code delete} is rolled by segment.ms but never loses a segment to time or size, only to the log start.
     */
    public int applyRetention() {
        lock.lock();
        try {
            if (closed || failure != null) return 0;
            LogConfig cfg = config;
            long now = ctx.clockMs().getAsLong();
            Segment active = logEnd.segment();
            boolean deletes = cfg.deletes();
            boolean activeExpired = deletes && !active.isEmpty() && cfg.retentionMs() >= 0
                    && now - newestTimestamp(active) > cfg.retentionMs();
            if (!active.isEmpty() && (now - active.firstAppendMs() >= cfg.segmentMs() || activeExpired)
                    && logEnd.offset() == highWatermark.offset()) { // with acks pending, roll on a later pass
                roll(logEnd);
            }
            int deleted = 0;
            long total = 0;
            for (Segment s : segments.values()) total += s.sizeInBytes();
            for (Segment s : new ArrayList<>(segments.values())) {
                if (s == logEnd.segment()) break;
                boolean byTime = deletes && cfg.retentionMs() >= 0 && now - newestTimestamp(s) > cfg.retentionMs();
                boolean bySize = deletes && cfg.retentionBytes() >= 0 && total - s.sizeInBytes() >= cfg.retentionBytes();
                boolean byStart = s.nextOffset() <= logStartOffset;
                if (!(byTime || bySize || byStart)) break;
                // An undecided transaction's records stay: its marker, and read_committed readers, need them.
                if (!byStart && s.nextOffset() > lastStableOffset()) break;
                total -= s.sizeInBytes();
                long nextStart = segments.higherKey(s.baseOffset);
                if (nextStart > logStartOffset) setLogStartOffset(nextStart);
                deleteSegment(s);
                deleted++;
            }
            if (deleted > 0) log.info("{}: retention deleted {} segment(s); log start offset now {}", tp, deleted, logStartOffset);
            return deleted;
        } finally {
            lock.unlock();
        }
    }

    private static long newestTimestamp(Segment s) {
        long ts = s.maxTimestamp();
        return ts == RecordBatch.NO_TIMESTAMP ? s.lastModifiedMs() : ts;
    }

    private void deleteSegment(Segment s) {
        assert lock.isHeldByCurrentThread();
        assert s != logEnd.segment() : "the active segment is never deleted";
        segments.remove(s.baseOffset);
        try {
            Files.deleteIfExists(s.indexFile);
            Files.deleteIfExists(s.logFile);
            Files.deleteIfExists(snapshotPath(s.baseOffset));
        } catch (IOException e) {
            log.warn("{}: deleting {}: {}", tp, s.logFile, e.toString());
        }
        // Fetches may still be sending this file: close it later.
        ctx.scheduler().schedule(s::close, ctx.fileDeleteDelayMs(), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- lifecycle

    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    public LogConfig config() {
        return config;
    }

    /**
     * Clean close: fsync, index of the active segment, producer snapshot at the end. The next open then skips
     * the recovery scan.
     */
    public void close() throws IOException {
        IOException error = null;
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            Position end = logEnd;
            if (failure == null) {
                try {
                    fsyncHoldingLock(end.segment());
                    advanceHighWatermark(end);
                    end.segment().writeIndex(ctx.opener());
                    AtomicFiles.write(ctx.opener(), snapshotPath(end.offset()), producers.snapshot(end.segment().aborted()));
                    pruneSnapshots();
                } catch (IOException e) {
                    // Offline, so the log manager writes no clean-shutdown marker and the next start recovers.
                    markFailed(e);
                    error = e;
                }
            }
            for (Segment s : segments.values()) s.close();
        } finally {
            lock.unlock();
        }
        markFailedOnClose();
        if (error != null) throw error;
    }

    private void markFailedOnClose() {
        List<Waiter> left;
        synchronized (waiters) {
            assert closed : "waiters are drained for good only once closed";
            left = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter w : left) w.future().completeExceptionally(new KafkaStorageException(tp + " closed"));
    }

    /** Closes and deletes every file of this partition (DeleteTopics). */
    public void deleteAll() throws IOException {
        lock.lock();
        try {
            closed = true;
            for (Segment s : segments.values()) s.close();
            segments.clear();
        } finally {
            lock.unlock();
        }
        markFailedOnClose();
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.deleteIfExists(p);
        }
    }

    public TopicPartition topicPartition() {
        return tp;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long highWatermark() {
        return highWatermark.offset();
    }

    public long logEndOffset() {
        return logEnd.offset();
    }

    public int segmentCount() {
        return segments.size();
    }

    public long sizeInBytes() {
        long total = 0;
        for (Segment s : segments.values()) total += s.sizeInBytes();
        return total;
    }

    /** Producer id to current epoch, for DescribeProducers and tests. */
    public Map<Long, Short> producerEpochs() {
        lock.lock();
        try {
            return producers.epochs();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Every producer this partition knows, with its open transaction (DescribeProducers); not those expired (see
     * {@link #removeExpiredProducers}), even before they are removed.
     */
    public List<ActiveProducer> activeProducers() {
        lock.lock();
        try {
            return producers.describe(ctx.clockMs().getAsLong(), ctx.producerIdExpirationMs());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets the producers with no open transaction here whose last batch or marker is at least
     * producer.id.expiration.ms old (Kafka's removeExpiredProducers): a later batch of one is that of an unknown
     * producer, accepted at any sequence. Returns how many.
     */
    public int removeExpiredProducers() {
        lock.lock();
        try {
            int expired = producers.removeExpired(ctx.clockMs().getAsLong(), ctx.producerIdExpirationMs());
            if (expired > 0) log.debug("{}: {} idle producer(s) expired", tp, expired);
            return expired;
        } finally {
            lock.unlock();
        }
    }

    Path dir() {
        return dir;
    }

    @Override
    public String toString() {
        return "PartitionLog(" + tp + ", [" + logStartOffset + ", " + highWatermark() + ", " + logEndOffset() + "])";
    }
}

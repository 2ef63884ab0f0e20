package io.ledgerline.broker.coordinator;

import io.ledgerline.coordinator.InternalLog;
import io.ledgerline.coordinator.RecordCodec;
import io.ledgerline.log.LogConfig;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.PartitionLog;
import io.netty.util.internal.ThreadExecutorMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * An {@link InternalLog} over partition 0 of one of the broker's internal topics ({@code __ledgerline_*}): the
 * coordinators' records as key/value records, one batch per append, stamped with the broker's clock.
 *
 * <p>Durability: {@link Durability#FLUSH_MODE} acknowledges as user partitions do (after the group commit's fsync
 * under flush.mode=durable); {@link Durability#ALWAYS} fsyncs every append before returning, whatever flush.mode
 * says, for state that must never be behind the data it describes (a topic must not vanish after a power cut while
 * its records survive). ALWAYS blocks on the disk, so it is never used on a network thread (asserted).
 *
 * @param <R> the record type
 */
public final class LocalInternalLog<R> implements InternalLog<R> {

    public enum Durability { FLUSH_MODE, ALWAYS }

    private final PartitionLog log;
    private final RecordCodec<R> codec;
    private final Durability durability;
    private final LongSupplier clockMs;

    public LocalInternalLog(LogManager logs, String topic, int maxBatchBytes, RecordCodec<R> codec, Durability durability,
                            LongSupplier clockMs) throws IOException {
        this.log = logs.open(new TopicPartition(topic, 0), config(maxBatchBytes));
        this.codec = codec;
        this.durability = durability;
        this.clockMs = clockMs;
    }

    /**
     * The settings of every internal log: 64 MiB segments (few files, replay reads them sequentially), never rolled
     * by time and never deleted by retention (the state is the whole log: a deleted segment would be lost state;
     * compaction, when it comes, is what shrinks these logs), create-time timestamps (the broker's clock),
     * {@code maxBatchBytes} as max.message.bytes: the largest single append (see {@code Limits}).
     */
    static LogConfig config(int maxBatchBytes) {
        return new LogConfig(64 * 1024 * 1024, Long.MAX_VALUE, -1, -1, maxBatchBytes, TimestampType.CREATE_TIME, false, "delete");
    }

    @Override
    public CompletableFuture<Void> append(List<R> records) {
        if (records.isEmpty()) return CompletableFuture.completedFuture(null);
        long now = clockMs.getAsLong();
        SimpleRecord[] rs = new SimpleRecord[records.size()];
        for (int i = 0; i < rs.length; i++) rs[i] = new SimpleRecord(now, codec.key(records.get(i)), codec.value(records.get(i)));
        long last;
        try {
            last = log.append(MemoryRecords.withRecords(Compression.NONE, rs)).lastOffset();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (durability == Durability.FLUSH_MODE) return log.durable(last);
        assert ThreadExecutorMap.currentExecutor() == null
                : "a durable internal write (an fsync) on a network thread: offload the handler";
        log.flush();
        if (log.highWatermark() <= last) {
            return CompletableFuture.failedFuture(new KafkaStorageException(log.topicPartition() + ": write could not be made durable"
                    + (log.isOffline() ? ": the log is offline after a storage failure" : "")));
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void replay(Consumer<R> apply) {
        log.replay(rec -> apply.accept(codec.decode(rec.key(), rec.hasValue() ? rec.value() : null)));
    }

    /** The partition underneath (status, tests). */
    public PartitionLog partition() {
        return log;
    }
}

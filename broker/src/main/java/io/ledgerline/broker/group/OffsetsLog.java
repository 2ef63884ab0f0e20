package io.ledgerline.broker.group;

import io.ledgerline.log.LogConfig;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The group coordinator's internal log, {@value #NAME}-0: committed offsets and stored group generations as
 * {@link GroupRecord}s. Kept apart from the metadata log because it is written at the rate consumers commit
 * (every few seconds per consumer), while the metadata log is replayed in full by several components at start
 * and written rarely; one shared log would make every start scan every commit ever made, three times.
 *
 * <p>Appends are not durable on return: {@link #append} gives a future that completes once the records are
 * fsynced (the group-commit window), and the coordinator answers the request only then.
 */
public final class OffsetsLog implements GroupLog {
    public static final String NAME = "__ledgerline_offsets";

    private final PartitionLog log;

    public OffsetsLog(LogManager logs) throws IOException {
        LogConfig config = new LogConfig(64 * 1024 * 1024, Long.MAX_VALUE, -1, -1, 8 * 1024 * 1024,
                TimestampType.CREATE_TIME, false, "delete");
        this.log = logs.open(new TopicPartition(NAME, 0), config);
    }

    /** Appends {@code records} as one batch; the future completes when they are durable. */
    @Override
    public CompletableFuture<Void> append(List<GroupRecord> records, long nowMs) {
        if (records.isEmpty()) return CompletableFuture.completedFuture(null);
        SimpleRecord[] rs = new SimpleRecord[records.size()];
        for (int i = 0; i < rs.length; i++) rs[i] = new SimpleRecord(nowMs, records.get(i).keyBytes(), records.get(i).valueBytes());
        long last;
        try {
            last = log.append(MemoryRecords.withRecords(Compression.NONE, rs)).lastOffset();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return log.durable(last);
    }

    /** Feeds every stored record to {@code apply}, oldest first. */
    @Override
    public void replay(Consumer<GroupRecord> apply) {
        log.replay(rec -> {
            apply.accept(GroupRecord.decode(rec.key(), rec.hasValue() ? rec.value() : null));
        });
    }
}

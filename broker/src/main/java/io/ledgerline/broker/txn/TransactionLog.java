package io.ledgerline.broker.txn;

import io.ledgerline.log.LogConfig;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The transaction coordinator's internal log, {@value #NAME}-0 (Kafka's __transaction_state): one
 * {@link TxnRecord} per state change of a transactional id. Replayed in full at start; the latest record per
 * id is its state. Not compacted yet: it grows by about four records per transaction, and replay time with it.
 */
public final class TransactionLog {
    public static final String NAME = "__ledgerline_transactions";

    private final PartitionLog log;

    public TransactionLog(LogManager logs) throws IOException {
        LogConfig config = new LogConfig(64 * 1024 * 1024, Long.MAX_VALUE, -1, -1, 8 * 1024 * 1024,
                TimestampType.CREATE_TIME, false, "delete");
        this.log = logs.open(new TopicPartition(NAME, 0), config);
    }

    /** Appends one record; the future completes when it is durable (or fails with KafkaStorageException). */
    CompletableFuture<Void> append(TxnRecord record, long nowMs) {
        long last;
        try {
            byte[] value = record.value() == null ? null : record.valueBytes();
            last = log.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(nowMs, record.keyBytes(), value))).lastOffset();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return log.durable(last);
    }

    /** Feeds every stored record to {@code apply}, oldest first. */
    void replay(Consumer<TxnRecord> apply) {
        log.replay(rec -> {
            apply.accept(TxnRecord.decode(rec.key(), rec.hasValue() ? rec.value() : null));
        });
    }
}

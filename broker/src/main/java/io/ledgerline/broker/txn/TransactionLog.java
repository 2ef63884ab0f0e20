package io.ledgerline.broker.txn;

import io.ledgerline.broker.coordinator.LocalInternalLog;
import io.ledgerline.log.Limits;
import io.ledgerline.log.LogManager;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * The transaction coordinator's internal log, {@value #NAME}-0 (Kafka's __transaction_state): one
 * {@link TxnRecord} per state change of a transactional id ({@link TxnRecord#CODEC}), appended by the
 * {@link TransactionCoordinator}'s runtime and replayed in full at start; the latest record per id is its state.
 * Not compacted yet: it grows by about four records per transaction, and replay time with it.
 *
 * <p>Only the name, the format and the limit live here; the log itself is a {@link LocalInternalLog} (acknowledged
 * as user partitions are, after the group commit under flush.mode=durable), with the settings of every internal log.
 */
public final class TransactionLog {
    public static final String NAME = "__ledgerline_transactions";

    private TransactionLog() {}

    /** Opens (or creates) the transaction log in {@code logs}; {@code clockMs} stamps the records it appends. */
    public static LocalInternalLog<TxnRecord> open(LogManager logs, LongSupplier clockMs) throws IOException {
        return new LocalInternalLog<>(logs, NAME, Limits.TRANSACTIONS_LOG_BATCH_BYTES_MAX, TxnRecord.CODEC, LocalInternalLog.Durability.FLUSH_MODE, clockMs);
    }
}

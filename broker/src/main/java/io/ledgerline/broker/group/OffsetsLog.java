package io.ledgerline.broker.group;

import io.ledgerline.broker.coordinator.LocalInternalLog;
import io.ledgerline.log.Limits;
import io.ledgerline.log.LogManager;

import java.io.IOException;
import java.util.function.LongSupplier;

/**
 * The group coordinator's internal log, {@value #NAME}-0: committed offsets and stored group generations as
 * {@link GroupRecord}s ({@link GroupRecord#CODEC}), one batch per write, over a {@link LocalInternalLog}. Kept apart
 * from the metadata log because it is written at the rate consumers commit (every few seconds per consumer), while
 * the metadata log is replayed at start and written rarely; one shared log would make every start scan every commit
 * ever made.
 *
 * <p>Durability as user partitions ({@link LocalInternalLog.Durability#FLUSH_MODE}): an append's future completes
 * once the records are fsynced (the group-commit window), and the coordinator applies them and answers only then.
 * Not a class with state: the name, the limit and how to open it.
 */
public final class OffsetsLog {
    public static final String NAME = "__ledgerline_offsets";

    private OffsetsLog() {
    }

    /** Opens partition 0 of {@value #NAME} in {@code logs}; records are stamped with {@code clockMs}. */
    public static LocalInternalLog<GroupRecord> open(LogManager logs, LongSupplier clockMs) throws IOException {
        return new LocalInternalLog<>(logs, NAME, Limits.OFFSETS_LOG_BATCH_BYTES_MAX, GroupRecord.CODEC, LocalInternalLog.Durability.FLUSH_MODE, clockMs);
    }
}

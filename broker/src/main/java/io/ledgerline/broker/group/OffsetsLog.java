package io.ledgerline.broker.group;

import io.ledgerline.broker.coordinator.LocalInternalLog;
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
    /**
     * The largest single write (the partition's max.message.bytes): 8 MiB, so that the stored generation of a large
     * group (every member's subscription and assignment in one record) fits in one append.
     */
    public static final int MAX_BATCH_BYTES = 8 * 1024 * 1024;

    private OffsetsLog() {
    }

    /** Opens partition 0 of {@value #NAME} in {@code logs}; records are stamped with {@code clockMs}. */
    public static LocalInternalLog<GroupRecord> open(LogManager logs, LongSupplier clockMs) throws IOException {
        return new LocalInternalLog<>(logs, NAME, MAX_BATCH_BYTES, GroupRecord.CODEC, LocalInternalLog.Durability.FLUSH_MODE, clockMs);
    }
}

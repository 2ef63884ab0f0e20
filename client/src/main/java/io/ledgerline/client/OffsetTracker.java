package io.ledgerline.client;

import java.util.NavigableSet;
import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * Which offsets of one input partition are done, and what to commit for them. Owned by the processor's poll
 * thread (not thread-safe).
 *
 * <p>Completions arrive out of order, so the committed offset is the lowest offset that is not yet done (the
 * consumer restarts there), and the offsets done above it travel in the commit's metadata string
 * ({@link CompletedOffsets}), so a restart skips them instead of calling the function again. Example: records
 * 10..15 polled, 10, 12 and 13 done: commit offset 11 with metadata {12, 13}; after 11 is done the commit becomes
 * 14 with no metadata.
 *
 * <p>The metadata has a size limit (Kafka's {@code offset.metadata.max.bytes}, 4096 by default), so the completed
 * offsets may lie at most {@link #windowOffsets} above the commit offset: a record at or past
 * {@link #admissionLimit()} must wait (the processor pauses the partition) until the lowest incomplete offset
 * moves. Offsets are not dense (transaction markers, compaction), which costs bits but nothing else.
 */
final class OffsetTracker {
    private final int windowOffsets;
    /** Offsets polled and not yet done. */
    private final NavigableSet<Long> incomplete = new TreeSet<>();
    /** Offsets done (or found done in the last commit's metadata) above the commit offset. */
    private final NavigableSet<Long> completed = new TreeSet<>();
    /** The commit offset this processor found on assignment, or -1 if the group had none. */
    private final long loadedOffset;
    private long nextExpected;

    private OffsetTracker(long loadedOffset, int windowOffsets) {
        assert windowOffsets > 0 : "window must hold at least one offset";
        this.windowOffsets = windowOffsets;
        this.loadedOffset = loadedOffset;
        this.nextExpected = Math.max(loadedOffset, 0);
    }

    /**
     * The tracker of a partition just assigned, whose group committed {@code offset} with {@code metadata} (null
     * and -1 when nothing was committed; metadata another program wrote is ignored).
     */
    static OffsetTracker load(long offset, String metadata, int windowOffsets) {
        OffsetTracker t = new OffsetTracker(offset, windowOffsets);
        if (offset >= 0) {
            for (long o : CompletedOffsets.decode(offset, metadata)) {
                if (o - offset <= windowOffsets) t.completed.add(o);
            }
        }
        return t;
    }

    /** How many offsets the metadata may describe above the commit offset when it may hold {@code metadataBytesMax} characters. */
    static int windowOffsetsFor(int metadataBytesMax) {
        int window = CompletedOffsets.capacityBits(metadataBytesMax);
        if (window < 1) {
            throw new IllegalArgumentException("commitMetadataBytesMax " + metadataBytesMax + " is too small: at least "
                    + CompletedOffsets.PREFIX.length() + 4 + " characters are needed");
        }
        return window;
    }

    /**
     * A record at {@code offset} was polled. Returns false when it was already done in an earlier run (its
     * offset is in the loaded metadata): the caller must skip it.
     */
    boolean polled(long offset) {
        assert offset >= nextExpected : "offsets of a partition are polled in order: " + offset + " after " + nextExpected;
        nextExpected = offset + 1;
        if (completed.contains(offset)) return false;
        incomplete.add(offset);
        return true;
    }

    /** The record at {@code offset} is done (its output or dead letter acknowledged). */
    void complete(long offset) {
        boolean removed = incomplete.remove(offset);
        assert removed : "offset " + offset + " completed twice or never polled";
        completed.add(offset);
        completed.headSet(commitOffset(), false).clear();
    }

    /** Offsets below this one may be started now; a record at or above it waits (see the class comment). */
    long admissionLimit() {
        return lowestIncomplete() + windowOffsets;
    }

    private long lowestIncomplete() {
        return incomplete.isEmpty() ? nextExpected : incomplete.first();
    }

    /** The offset to commit: the lowest not yet done. */
    long commitOffset() {
        return lowestIncomplete();
    }

    /** The commit to send, or empty when nothing was polled or loaded (then there is nothing to say). */
    OptionalLong commitIfAny() {
        if (loadedOffset < 0 && nextExpected == 0 && incomplete.isEmpty()) return OptionalLong.empty();
        return OptionalLong.of(commitOffset());
    }

    /** The metadata string describing the offsets done above {@link #commitOffset()}. */
    String commitMetadata() {
        return CompletedOffsets.encode(commitOffset(), completed.tailSet(commitOffset(), false));
    }

    int incompleteCount() {
        return incomplete.size();
    }

    int completedAboveCount() {
        return completed.tailSet(commitOffset(), false).size();
    }
}

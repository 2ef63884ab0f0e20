package io.ledgerline.log;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;

/**
 * What a start did to the data directory before serving it: after an unclean stop, how many partitions had
 * their tail checked, how many batches were read and CRC-checked, and every cut (partition, file, file
 * position, first offset lost, bytes). The broker logs it as one INFO line and reports it to {@code ledgerline
 * status} (the read-only broker config {@code ledgerline.last.start.recovery}).
 *
 * @param previousStop     how the previous run ended, as the clean-shutdown marker told
 * @param partitionsChecked partitions opened whose segments were scanned rather than trusted from their index
 * @param batchesRead      batches read and CRC-checked by those scans
 * @param truncations      every cut, in the order made
 * @param durationMs       from taking the data directory's lock to the last partition opened
 */
public record RecoverySummary(PreviousStop previousStop, int partitionsChecked, long batchesRead,
                              List<Truncation> truncations, long durationMs) {

    public enum PreviousStop { NEW_DIRECTORY, CLEAN, UNCLEAN }

    /**
     * One cut. {@code position} is the byte position in {@code file} where the kept data ends (0 when the whole
     * file was removed), {@code offset} the first offset no longer in the log, {@code bytes} how many were cut.
     */
    public record Truncation(TopicPartition topicPartition, String file, long position, long offset, long bytes,
                             boolean wholeFile) {
        @Override
        public String toString() {
            return topicPartition + " " + file + (wholeFile ? " removed" : " cut at position " + position)
                    + " (offset " + offset + " on, " + bytes + " bytes)";
        }
    }

    public RecoverySummary {
        truncations = List.copyOf(truncations);
        assert partitionsChecked >= 0 && batchesRead >= 0 && durationMs >= 0 : "counts and times are never negative";
    }

    public long bytesTruncated() {
        long n = 0;
        for (Truncation t : truncations) n += t.bytes();
        return n;
    }

    /** One line, for the log and for {@code ledgerline status}. */
    public String describe() {
        return switch (previousStop) {
            case NEW_DIRECTORY -> "new data directory: nothing to recover";
            case CLEAN -> "previous stop was clean: no recovery needed"
                    + (truncations.isEmpty() && partitionsChecked == 0 ? ""
                    : "; but " + partitionsChecked + " partition(s) had a segment that did not match its index: "
                    + details());
            case UNCLEAN -> "recovered after an unclean stop: " + details();
        };
    }

    private String details() {
        List<String> cuts = new ArrayList<>();
        for (Truncation t : truncations) cuts.add(t.toString());
        return partitionsChecked + " partition(s) checked, " + batchesRead + " batch(es) read, "
                + bytesTruncated() + " byte(s) truncated"
                + (cuts.isEmpty() ? "" : " [" + String.join("; ", cuts) + "]")
                + ", in " + durationMs + " ms";
    }

    /** Collects a summary while partitions open; thread-safe. */
    static final class Collector {
        private int partitionsChecked;
        private long batchesRead;
        private final List<Truncation> truncations = new ArrayList<>();

        synchronized void partition(boolean scanned, long batches, List<Truncation> cuts) {
            if (scanned) partitionsChecked++;
            batchesRead += batches;
            truncations.addAll(cuts);
        }

        synchronized RecoverySummary summary(PreviousStop stop, long durationMs) {
            return new RecoverySummary(stop, partitionsChecked, batchesRead, truncations, durationMs);
        }
    }
}

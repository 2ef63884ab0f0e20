package io.ledgerline.broker.produce;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

import java.util.List;

/**
 * A check of produced records before they are appended: the seam for schema validation and dead-letter
 * routing. Inspectors are registered in one place, the list the broker wiring gives {@link ProduceHandler}
 * (empty by default); they run in list order on every batch of a partition they {@linkplain #appliesTo apply
 * to}, and the first verdict that is not {@link Verdict#ACCEPT} decides (later inspectors do not see the batch).
 *
 * <p>When it runs: after the log's own validation of the batch (so an inspector only sees well-formed batches)
 * and before the append, on the produce handler's executor, never on a Netty event loop, and never under a
 * lock or a coordinator's monitor (the KIP-890 check of a transactional batch comes after, in the commit
 * step). The records are those the log's validation decoded, in its one decompression pass: they are not
 * decompressed again for the inspectors.
 *
 * <p>What the producer sees:
 * <ul>
 *   <li>{@link Verdict#ACCEPT}: the batch is appended as without inspectors.</li>
 *   <li>{@link Reject}: nothing of the batch is appended; the partition answers INVALID_RECORD with one
 *   {@code record_errors} entry (batch_index, message) per rejected record and the {@code error_message} Kafka's
 *   LogValidator gives ("One or more records have been rejected due to N record errors in total, ..."). The
 *   other partitions of the request are not affected.</li>
 *   <li>{@link Reroute}: the rerouted records (the whole batch, or the given subset) are appended to the target
 *   partition instead (a new non-transactional batch of plain records: timestamp, key, value, headers kept; a
 *   rerouted record of a transaction is not part of that transaction), and that append is durable before the
 *   produce is answered. Nothing of the batch is appended to the original partition: it answers INVALID_RECORD,
 *   with one {@code record_errors} entry per rerouted record naming the target partition and the offset it got
 *   there ("rerouted to dlq-0 at offset 17"), so the producer learns that those records were not stored where
 *   it sent them and where they are; records of the batch that were not rerouted are not stored anywhere (the
 *   producer gets them back as failed, as with any INVALID_RECORD batch). A target partition that does not exist
 *   answers UNKNOWN_TOPIC_OR_PARTITION (retriable: nothing is stored, the producer retries), a failed target
 *   append that append's error.</li>
 * </ul>
 *
 * <p>Threads: an inspector is shared by every produce request and called concurrently from the executor's
 * threads; it must be thread-safe and must not throw (a thrown exception fails the partition with
 * UNKNOWN_SERVER_ERROR).
 */
public interface BatchInspector {

    /** Whether this inspector looks at batches of {@code tp}. Cheap: called on the event loop for every partition. */
    boolean appliesTo(TopicPartition tp);

    /**
     * Inspects one validated batch of {@code tp}: {@code header} is the batch (do not iterate its records), and
     * {@code records} its records in order (index = batch_index).
     */
    Verdict inspect(TopicPartition tp, RecordBatch header, List<Record> records);

    /** What an inspector decided for a batch. */
    sealed interface Verdict permits Accept, Reject, Reroute {
        Verdict ACCEPT = new Accept();
    }

    /** Append the batch. */
    record Accept() implements Verdict {}

    /** A record refused, with the reason the producer is told. */
    record RecordError(int batchIndex, String message) {}

    /** Refuse the batch: these records are invalid (at least one). */
    record Reject(List<RecordError> errors) implements Verdict {
        public Reject {
            errors = List.copyOf(errors);
            if (errors.isEmpty()) throw new IllegalArgumentException("a rejection names at least one record");
        }
    }

    /**
     * Append the records at {@code batchIndexes} (ascending, at least one) to {@code topic}'s partition
     * {@code partition} instead; see the class comment for the answer.
     */
    record Reroute(String topic, int partition, List<Integer> batchIndexes) implements Verdict {
        public Reroute {
            batchIndexes = List.copyOf(batchIndexes);
            if (batchIndexes.isEmpty()) throw new IllegalArgumentException("a reroute names at least one record");
        }
    }
}

package io.ledgerline.client;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * One assigned input partition: its offsets ({@link OffsetTracker}) and the records waiting to start. Owned by
 * the poll thread.
 *
 * <p>A polled record first waits in {@link #pending} until its offset is within the tracker's admission limit
 * (the commit metadata's window), then it is admitted: under {@link Ordering#NONE} straight to the processor's
 * ready queue; otherwise to the ready queue if no record of its order key is under way, else behind that key's
 * active record in {@link #waiting}, which {@link #release} hands on when the active one is done.
 */
final class PartitionState {
    final TopicPartition tp;
    final OffsetTracker tracker;
    private final Ordering ordering;
    private final ArrayDeque<Work> pending = new ArrayDeque<>();
    /** Order key → records behind the key's active record; a key is present while one of its records is admitted. */
    private final Map<Object, ArrayDeque<Work>> waiting = new HashMap<>();
    /** Records polled here and not done (pending, waiting, ready, in flight). */
    int buffered;
    /** Records started and not yet back on the poll thread. */
    int inFlight;
    /** Being revoked: nothing new starts; in-flight work may still finish and be committed. */
    boolean draining;
    /** Revoked or lost: late completions are ignored, retries stop. Read by attempt threads. */
    volatile boolean revoked;
    OffsetAndMetadata lastCommitted;

    PartitionState(TopicPartition tp, OffsetTracker tracker, Ordering ordering) {
        this.tp = tp;
        this.tracker = tracker;
        this.ordering = ordering;
    }

    void add(Work w, Deque<Work> ready) {
        pending.addLast(w);
        buffered++;
        admit(ready);
    }

    /** Admits pending records within the tracker's window; call after a completion moved it. */
    void admit(Deque<Work> ready) {
        long limit = tracker.admissionLimit();
        while (!pending.isEmpty() && pending.peekFirst().offset() < limit) {
            offer(pending.pollFirst(), ready);
        }
    }

    boolean hasPending() {
        return !pending.isEmpty();
    }

    private void offer(Work w, Deque<Work> ready) {
        if (ordering == Ordering.NONE) {
            ready.addLast(w);
            return;
        }
        ArrayDeque<Work> behind = waiting.get(w.orderKey);
        if (behind == null) {
            waiting.put(w.orderKey, new ArrayDeque<>());
            ready.addLast(w);
        } else {
            behind.addLast(w);
        }
    }

    /** {@code w} is done: the next record of its order key (if any) becomes ready. */
    void release(Work w, Deque<Work> ready) {
        if (ordering == Ordering.NONE) return;
        ArrayDeque<Work> behind = waiting.get(w.orderKey);
        assert behind != null : "released " + w + " whose key has no active record";
        Work next = behind.pollFirst();
        if (next == null) {
            waiting.remove(w.orderKey);
        } else {
            ready.addLast(next);
        }
    }
}

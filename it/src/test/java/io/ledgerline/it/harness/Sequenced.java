package io.ledgerline.it.harness;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records numbered by the test in send order with a {@value #HEADER} header, so that what comes back can
 * be checked for loss, duplication and reordering whatever else the record carries.
 */
public final class Sequenced {
    public static final String HEADER = "seq";

    private Sequenced() {}

    public static Header header(int seq) {
        return new RecordHeader(HEADER, ByteBuffer.allocate(4).putInt(seq).array());
    }

    /** The record's sequence number, or -1 without a well-formed {@value #HEADER} header. */
    public static int seq(ConsumerRecord<?, ?> record) {
        Header h = record.headers().lastHeader(HEADER);
        return h == null || h.value() == null || h.value().length != 4 ? -1 : ByteBuffer.wrap(h.value()).getInt();
    }

    /**
     * Asserts that {@code records}, read from the start of each partition, hold each of the sequence numbers
     * 0..count-1 exactly once; that offsets in each partition are dense from {@code firstOffset}; and that
     * sequence numbers grow along each partition (the order in which they were sent).
     */
    public static void assertEachOnceInOrder(List<? extends ConsumerRecord<?, ?>> records, int count, long firstOffset) {
        Problems problems = new Problems();
        BitSet seen = new BitSet(count);
        Map<Integer, Long> nextOffset = new HashMap<>();
        Map<Integer, Integer> lastSeq = new HashMap<>();
        for (ConsumerRecord<?, ?> r : records) {
            int seq = seq(r);
            String where = "partition " + r.partition() + " offset " + r.offset();
            if (seq < 0 || seq >= count) problems.add(where + ": no valid sequence number (" + seq + ")");
            else if (seen.get(seq)) problems.add(where + ": duplicate of sequence " + seq);
            else seen.set(seq);
            long expectedOffset = nextOffset.getOrDefault(r.partition(), firstOffset);
            if (r.offset() != expectedOffset) problems.add(where + ": expected offset " + expectedOffset + " (offsets not dense)");
            nextOffset.put(r.partition(), r.offset() + 1);
            Integer previous = lastSeq.put(r.partition(), seq);
            if (previous != null && previous >= seq) problems.add(where + ": sequence " + seq + " after " + previous + " (reordered)");
        }
        if (seen.cardinality() != count) {
            BitSet missing = new BitSet(count);
            missing.set(0, count);
            missing.andNot(seen);
            problems.add((count - seen.cardinality()) + " sequence numbers missing, first ones: "
                    + missing.stream().limit(10).boxed().toList());
        }
        problems.assertNone("%d records read, %d expected", records.size(), count);
    }

    /** Collects what is wrong in a large set of records, to fail once with the first few problems. */
    public static final class Problems {
        private static final int SHOWN = 20;
        private final List<String> first = new ArrayList<>();
        private int total;

        public void add(String problem) {
            if (total++ < SHOWN) first.add(problem);
        }

        public void assertNone(String description, Object... args) {
            assertThat(first).as(String.format(description, args) + "; " + total + " problem(s), first " + first.size()).isEmpty();
        }
    }
}

package io.ledgerline.log;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A sparse, append-only map from an increasing long key to an int value, searched by binary search.
 * Two per segment: offset index (key = absolute offset of a batch's last record, value = the batch's file
 * position) and time index (key = the segment's max timestamp so far, value = offset of that record,
 * relative to the segment base).
 *
 * <p>Threads: one appender (the partition's append lock holder), many lock-free readers. The appender
 * writes the entry, publishes the arrays, then publishes the count (volatile); a reader reads the count
 * first, then the arrays, so it never sees an entry beyond the arrays it holds.
 */
final class SparseIndex {
    private volatile long[] keys = new long[16];
    private volatile int[] values = new int[16];
    private volatile int count;

    void append(long key, int value) {
        int n = count;
        assert n == 0 || key >= keys[n - 1] : "index keys must not decrease: " + key + " after " + keys[n - 1];
        long[] k = keys;
        int[] v = values;
        if (n == k.length) {
            k = Arrays.copyOf(k, n * 2);
            v = Arrays.copyOf(v, n * 2);
        }
        k[n] = key;
        v[n] = value;
        keys = k;
        values = v;
        count = n + 1;
    }

    int size() {
        return count;
    }

    long lastKey() {
        int n = count;
        return n == 0 ? Long.MIN_VALUE : keys[n - 1];
    }

    /** Slot of the greatest key <= target (strict: < target), or -1. */
    int floorSlot(long target, boolean strict) {
        int n = count;
        long[] k = keys;
        int lo = 0, hi = n - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            boolean ok = strict ? k[mid] < target : k[mid] <= target;
            if (ok) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    long keyAt(int slot) {
        return keys[slot];
    }

    int valueAt(int slot) {
        return values[slot];
    }

    /** Entries as {@code n:int32, n × (key:int64, value:int32)}. */
    void writeTo(ByteBuffer out) {
        int n = count;
        out.putInt(n);
        for (int i = 0; i < n; i++) out.putLong(keys[i]).putInt(values[i]);
    }

    int serializedSize() {
        return 4 + count * 12;
    }

    static SparseIndex readFrom(ByteBuffer in) {
        SparseIndex idx = new SparseIndex();
        int n = in.getInt();
        if (n < 0 || n * 12L > in.remaining()) throw new IllegalStateException("bad index entry count " + n);
        for (int i = 0; i < n; i++) {
            long key = in.getLong();
            int value = in.getInt();
            if (idx.count > 0 && key < idx.lastKey()) throw new IllegalStateException("index keys decrease");
            idx.append(key, value);
        }
        return idx;
    }
}

package io.ledgerline.client;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * The commit metadata string of a partition: which offsets above the committed offset are already done.
 *
 * <pre>
 *   "llpc1:" + base64url-without-padding(bitset)
 *   bit i (byte i / 8, bit i % 8, least significant first) set  ⇔  offset committed + 1 + i is done
 * </pre>
 *
 * The committed offset itself is never done (it is the lowest incomplete one), hence the +1. An empty set
 * encodes as the empty string, which is also what a plain consumer commits. A string without the prefix was
 * written by another program and means "nothing known to be done".
 */
final class CompletedOffsets {
    static final String PREFIX = "llpc1:";

    private CompletedOffsets() {}

    /** How many offsets fit in a metadata string of at most {@code maxChars} characters. */
    static int capacityBits(int maxChars) {
        int base64Chars = maxChars - PREFIX.length();
        // base64 without padding: 4 characters carry 3 bytes
        int bytes = base64Chars / 4 * 3;
        return bytes * 8;
    }

    static String encode(long committed, Collection<Long> done) {
        if (done.isEmpty()) return "";
        long max = committed;
        for (long o : done) max = Math.max(max, o);
        long bits = max - committed;
        assert bits <= Integer.MAX_VALUE / 2 : "window bounded by the metadata size";
        byte[] set = new byte[(int) ((bits + 7) / 8)];
        for (long o : done) {
            assert o > committed : "done offset " + o + " not above the committed " + committed;
            int i = (int) (o - committed - 1);
            set[i >>> 3] |= (byte) (1 << (i & 7));
        }
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(set);
    }

    /** The done offsets described by {@code metadata}, or none when it is not ours or is damaged. */
    static List<Long> decode(long committed, String metadata) {
        List<Long> done = new ArrayList<>();
        if (metadata == null || !metadata.startsWith(PREFIX)) return done;
        byte[] set;
        try {
            set = Base64.getUrlDecoder().decode(metadata.substring(PREFIX.length()));
        } catch (IllegalArgumentException damaged) {
            return done;
        }
        for (int i = 0; i < set.length * 8; i++) {
            if ((set[i >>> 3] & (1 << (i & 7))) != 0) done.add(committed + 1 + i);
        }
        return done;
    }
}

package io.ledgerline.coordinator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a state machine's state in a canonical encoding, the one every {@link StateMachine}'s {@code digest()}
 * writes: big-endian integers, strings and byte arrays length-prefixed (-1: null), so no two different sequences of
 * values encode alike. The caller writes its contents in a fixed order (keys sorted); a fresh replay of the same log
 * then gives the same hex string as the live state.
 *
 * <p>Threads: one caller at a time; not reusable after {@link #hex}.
 */
public final class StateDigest {
    private final MessageDigest sha;
    private final byte[] scratch = new byte[8];

    public StateDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }

    /** One byte, e.g. a tag that says what follows. */
    public StateDigest int8(int v) {
        sha.update((byte) v);
        return this;
    }

    public StateDigest int16(short v) {
        return fixed(v, 2);
    }

    public StateDigest int32(int v) {
        return fixed(v, 4);
    }

    public StateDigest int64(long v) {
        return fixed(v, 8);
    }

    /** UTF-8, length-prefixed; null as length -1. */
    public StateDigest text(String s) {
        return bytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    /** Length-prefixed; null as length -1. */
    public StateDigest bytes(byte[] b) {
        if (b == null) return int32(-1);
        int32(b.length);
        sha.update(b);
        return this;
    }

    /** The digest, as lower-case hex. */
    public String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }

    private StateDigest fixed(long v, int width) {
        for (int i = 0; i < width; i++) scratch[i] = (byte) (v >>> (8 * (width - 1 - i)));
        sha.update(scratch, 0, width);
        return this;
    }
}

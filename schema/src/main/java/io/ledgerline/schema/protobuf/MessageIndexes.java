package io.ledgerline.schema.protobuf;

import java.util.ArrayList;
import java.util.List;

/**
 * The message indexes that follow the 5-byte header of a Protobuf record in Confluent's wire format: which
 * message of the schema's file the payload is. A count, then that many indexes, each a varint:
 * <pre>
 *   current encoding (Java serializer, confluent-kafka-python since 1.8): zig-zag varints
 *   older encoding ("use.deprecated.format" in confluent-kafka-python): unsigned varints
 *   either: the single byte 0 is the shortcut for [0], the first message of the file
 * </pre>
 * [1, 0] is the first message nested in the file's second message. Both encodings read a lone 0 alike; otherwise
 * a reader cannot tell them apart from the bytes, so the validator tries the current one first and the older one
 * when that fails.
 *
 * <p>Stateless; thread-safe.
 */
final class MessageIndexes {
    /** Nesting depth a payload may name; deeper than any real schema, bounds a hostile count. */
    static final int DEPTH_MAX = 100;

    /** The indexes read and how many bytes they took; {@code error} set (and the rest meaningless) if unreadable. */
    record Read(List<Integer> indexes, int bytes, String error) {
    }

    private MessageIndexes() {
    }

    static Read read(byte[] array, int offset, int length, boolean zigZag) {
        int[] position = {offset};
        int end = offset + length;
        Long count = varint(array, position, end, zigZag);
        if (count == null) {
            return new Read(List.of(), 0, "the message indexes end before the payload does");
        }
        if (count == 0) {
            return new Read(List.of(0), position[0] - offset, null);
        }
        if (count < 0 || count > DEPTH_MAX) {
            return new Read(List.of(), 0, "the message index count " + count + " is not between 1 and " + DEPTH_MAX);
        }
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Long index = varint(array, position, end, zigZag);
            if (index == null) {
                return new Read(List.of(), 0, "the message indexes end before the payload does");
            }
            if (index < 0 || index > Integer.MAX_VALUE) {
                return new Read(List.of(), 0, "the message index " + index + " is negative or too large");
            }
            indexes.add(index.intValue());
        }
        return new Read(indexes, position[0] - offset, null);
    }

    /** A varint of at most 5 bytes (an int), zig-zag decoded if asked; null if the bytes end first or it is longer. */
    private static Long varint(byte[] array, int[] position, int end, boolean zigZag) {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (position[0] >= end) {
                return null;
            }
            byte b = array[position[0]++];
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                value &= 0xffffffffL;
                return zigZag ? (value >>> 1) ^ -(value & 1) : value;
            }
        }
        return null;
    }
}

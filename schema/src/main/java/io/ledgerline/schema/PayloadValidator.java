package io.ledgerline.schema;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * Validates a record value (or key) in Confluent's wire format against the schema its id names: the seam the
 * broker's produce guard calls. The wire format is
 * <pre>
 *   byte 0      magic byte, always 0
 *   bytes 1..4  schema id, big-endian signed int (the registry's global id)
 *   bytes 5..   the payload, in the encoding of the schema's format ({@link SchemaFormat#nonConformance}):
 *               Avro binary of one datum, or one UTF-8 JSON document for JSON Schema
 * </pre>
 * Null (a tombstone) is valid, as on Confluent. Thread-safe (stateless).
 */
public final class PayloadValidator {
    /** Confluent's magic byte, the first byte of every serialized record. */
    public static final byte MAGIC = 0;
    /** Magic byte plus the 4-byte schema id. */
    public static final int HEADER_BYTES = 5;

    private PayloadValidator() {
    }

    /** Why a payload failed; the broker maps these to record errors and DLQ headers. */
    public enum Reason { NO_MAGIC_BYTE, UNKNOWN_SCHEMA_ID, UNSUPPORTED_TYPE, DOES_NOT_CONFORM }

    /** A failure with a message naming the cause. */
    public record Failure(Reason reason, int schemaId, String message) {
    }

    /**
     * @param payload  the serialized bytes, or null for a tombstone
     * @param schemas  the schema of an id, or null if the id is unknown
     * @return empty when valid
     */
    public static Optional<Failure> validate(ByteBuffer payload, IntFunction<ParsedSchema> schemas) {
        if (payload == null) {
            return Optional.empty();
        }
        ByteBuffer bytes = payload.duplicate();
        if (bytes.remaining() < HEADER_BYTES || bytes.get(bytes.position()) != MAGIC) {
            return Optional.of(new Failure(Reason.NO_MAGIC_BYTE, -1, "the payload does not start with the schema"
                    + " registry wire format (magic byte 0 and a 4-byte schema id); " + bytes.remaining() + " bytes"));
        }
        int id = bytes.getInt(bytes.position() + 1);
        ParsedSchema schema = schemas.apply(id);
        if (schema == null) {
            return Optional.of(new Failure(Reason.UNKNOWN_SCHEMA_ID, id, "schema id " + id + " is not registered"));
        }
        int start = bytes.position() + HEADER_BYTES;
        int length = bytes.limit() - start;
        byte[] array;
        int offset;
        if (bytes.hasArray()) {
            array = bytes.array();
            offset = bytes.arrayOffset() + start;
        } else {
            array = new byte[length];
            bytes.get(start, array);
            offset = 0;
        }
        return schema.format().nonConformance(schema, id, array, offset, length)
                .map(message -> new Failure(Reason.DOES_NOT_CONFORM, id, message));
    }
}

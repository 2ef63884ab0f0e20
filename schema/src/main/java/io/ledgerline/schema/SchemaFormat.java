package io.ledgerline.schema;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One schema format of the registry (Avro, JSON Schema, ...): how its text parses into a {@link ParsedSchema}
 * and a canonical text, whether one schema reads what another writes, and whether a payload conforms. The
 * seven levels, the choice of earlier versions and the message order live once in {@link Compatibility}; a
 * format only answers for one pair of schemas.
 *
 * <p>Implementations are stateless and thread-safe: the registry's request threads and the broker's produce
 * path call them at once. A {@link ParsedSchema} they return is immutable and may be cached and shared.
 */
public interface SchemaFormat {
    /** The type this format parses, by the name the Confluent API gives it. */
    SchemaType type();

    /**
     * Parses {@code text} (never blank: {@link Schemas#parse} refuses that first). The canonical text must be
     * a fixed point: parsing it again yields the same canonical text, so stored schemas compare equal to new
     * submissions. With {@code normalize} (the registry's {@code normalize=true}) texts that differ only in
     * the order of JSON object keys get one canonical text.
     *
     * @throws InvalidSchemaException with the parser's message, answered as 422/42201
     */
    ParsedSchema parse(String text, boolean normalize) throws InvalidSchemaException;

    /**
     * Parses, as above, with the schemas the text's references name ({@code references} by reference name). A
     * format without reference support refuses any reference.
     */
    default ParsedSchema parse(String text, boolean normalize, Map<String, ParsedSchema> references)
            throws InvalidSchemaException {
        if (!references.isEmpty()) {
            throw new InvalidSchemaException("schema references are not supported for " + type()
                    + " schemas by this registry yet (only for PROTOBUF)");
        }
        return parse(text, normalize);
    }

    /**
     * Why {@code reader} cannot read every datum {@code writer} accepts; empty when it can. Both schemas are of
     * this format. Each message has Confluent's shape
     * ({@code {errorType:'...', description:'...', ..., compatibility:'BACKWARD'}}); {@code direction} names
     * which of the two is the new schema.
     */
    List<String> incompatibilities(ParsedSchema reader, ParsedSchema writer, Compatibility.Direction direction);

    /**
     * Why {@code length} bytes of {@code array} from {@code offset} (the payload after the wire format's
     * 5-byte header) are not one datum of {@code schema}; empty when they are. Never throws for any bytes.
     */
    Optional<String> nonConformance(ParsedSchema schema, int schemaId, byte[] array, int offset, int length);
}

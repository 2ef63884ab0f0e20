package io.ledgerline.schema;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Avro: Apache Avro's parser (defaults validated), its {@link SchemaCompatibility} for the rules Confluent
 * applies to Avro (reader/writer resolution of the specification: adding a field needs a default for
 * BACKWARD, removing one needs a default for FORWARD, int→long→float→double and string↔bytes promote, enum
 * symbols may only be added for BACKWARD), and the Avro binary encoding of one datum as payload.
 *
 * <p>Stateless; thread-safe. A new parser per call: Avro's parser remembers the names it has seen.
 */
final class AvroFormat implements SchemaFormat {
    static final AvroFormat INSTANCE = new AvroFormat();

    private AvroFormat() {
    }

    @Override
    public SchemaType type() {
        return SchemaType.AVRO;
    }

    /**
     * The canonical text is Avro's {@code Schema.toString()}: rebuilt from the parsed model, so whitespace,
     * the order of the standard keys and the namespace spelling ({@code "a.R"} or {@code "R"} with
     * {@code "namespace":"a"}) no longer matter. With {@code normalize} every JSON object's keys are also
     * sorted, so custom properties given in another order still give the same text; nothing that changes the
     * data (defaults, aliases, logical types, docs) is dropped.
     */
    @Override
    public ParsedSchema parse(String text, boolean normalize) throws InvalidSchemaException {
        Schema schema;
        try {
            schema = new Schema.Parser().setValidateDefaults(true).parse(text);
        } catch (SchemaParseException | NullPointerException | IllegalArgumentException e) {
            throw new InvalidSchemaException("Invalid schema " + text + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Avro wraps Jackson's parse errors in runtime exceptions of its own kinds.
            throw new InvalidSchemaException("Invalid schema " + text + ": " + e.getMessage(), e);
        }
        String canonical = normalize ? SortedJson.sorted(schema.toString()) : schema.toString();
        return new ParsedSchema(this, canonical, schema);
    }

    /**
     * One message per incompatibility, in the shape Confluent's registry answers
     * ({@code {errorType:'...', description:'...', additionalInfo:'...'}}) so people who read Confluent's
     * messages read these; the description names the path and which schema (new or old) lacks what.
     */
    @Override
    public List<String> incompatibilities(ParsedSchema readerSchema, ParsedSchema writerSchema,
                                          Compatibility.Direction direction) {
        String readerRole = direction.readerRole();
        String writerRole = direction.writerRole();
        List<String> messages = new ArrayList<>();
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema.avro(),
                writerSchema.avro());
        for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            String path = incompatibility.getLocation();
            String info = incompatibility.getMessage();
            String description = switch (incompatibility.getType()) {
                case READER_FIELD_MISSING_DEFAULT_VALUE -> "The field '" + info + "' at path '" + path + "' in the "
                        + readerRole + " schema has no default value and is missing in the " + writerRole + " schema";
                case TYPE_MISMATCH -> "The type (path '" + path + "') of a field in the " + readerRole
                        + " schema does not match with the " + writerRole + " schema";
                case NAME_MISMATCH -> "The name of the schema has changed (path '" + path + "')";
                case MISSING_ENUM_SYMBOLS -> "The " + readerRole + " schema is missing enum symbols '" + info
                        + "' at path '" + path + "' in the " + writerRole + " schema";
                case MISSING_UNION_BRANCH -> "The " + readerRole + " schema is missing a type inside a union field"
                        + " at path '" + path + "' in the " + writerRole + " schema";
                case FIXED_SIZE_MISMATCH -> "The size of FIXED type field at path '" + path + "' in the "
                        + readerRole + " schema does not match with the " + writerRole + " schema";
                default -> info;
            };
            messages.add("{errorType:'" + incompatibility.getType() + "', description:'" + description
                    + "', additionalInfo:'" + info + "', compatibility:'" + direction + "'}");
        }
        return messages;
    }

    /**
     * Valid when the bytes decode to one datum and no byte is left over (a trailing byte means the producer
     * wrote something else than it claims). Builds a {@link GenericDatumReader} per call: caching one per
     * schema is for the produce path to measure.
     */
    @Override
    public Optional<String> nonConformance(ParsedSchema schema, int id, byte[] array, int offset, int length) {
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(array, offset, length, null);
        try {
            new GenericDatumReader<>(schema.avro()).read(null, decoder);
            if (!decoder.isEnd()) {
                return Optional.of("the Avro datum of schema id " + id + " ends before the payload does (trailing bytes)");
            }
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            return Optional.of("the payload is not an Avro datum of schema id " + id + ": " + e.getMessage());
        }
        return Optional.empty();
    }
}

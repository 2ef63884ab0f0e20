package io.ledgerline.schema;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/** Parses schema text of a supported {@link SchemaType}. */
public final class Schemas {
    private Schemas() {
    }

    /**
     * Parses {@code text}. The canonical text is Avro's {@code Schema.toString()}: rebuilt from the parsed
     * model, so whitespace, the order of the standard keys and the namespace spelling ({@code "a.R"} or
     * {@code "R"} with {@code "namespace":"a"}) no longer matter. With {@code normalize} (the registry's
     * {@code normalize=true}) every JSON object's keys are also sorted, so custom properties given in another
     * order still give the same text; nothing that changes the data (defaults, aliases, logical types, docs)
     * is dropped.
     */
    public static ParsedSchema parse(SchemaType type, String text, boolean normalize) throws InvalidSchemaException {
        if (!type.supported()) {
            throw new InvalidSchemaException("Schema type " + type + " is not supported by this registry yet "
                    + "(supported: AVRO)");
        }
        if (text == null || text.isBlank()) {
            throw new InvalidSchemaException("Empty schema");
        }
        Schema schema;
        try {
            // A new parser per call: Avro's parser remembers names it has seen and would refuse a redefinition.
            schema = new Schema.Parser().setValidateDefaults(true).parse(text);
        } catch (SchemaParseException | NullPointerException | IllegalArgumentException e) {
            throw new InvalidSchemaException("Invalid schema " + text + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Avro wraps Jackson's parse errors in runtime exceptions of its own kinds.
            throw new InvalidSchemaException("Invalid schema " + text + ": " + e.getMessage(), e);
        }
        String canonical = normalize ? SortedJson.sorted(schema.toString()) : schema.toString();
        return new ParsedSchema(type, canonical, schema);
    }
}

package io.ledgerline.schema;

import io.ledgerline.schema.json.JsonSchemaFormat;
import io.ledgerline.schema.protobuf.ProtobufFormat;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Parses schema text of a supported {@link SchemaType}, through that type's {@link SchemaFormat}. */
public final class Schemas {
    private static final Map<SchemaType, SchemaFormat> FORMATS = new EnumMap<>(SchemaType.class);

    static {
        FORMATS.put(SchemaType.AVRO, AvroFormat.INSTANCE);
        FORMATS.put(SchemaType.JSON, JsonSchemaFormat.INSTANCE);
        FORMATS.put(SchemaType.PROTOBUF, ProtobufFormat.INSTANCE);
    }

    private Schemas() {
    }

    /** The format of a type; empty for a type this build cannot parse yet. */
    public static Optional<SchemaFormat> format(SchemaType type) {
        return Optional.ofNullable(FORMATS.get(type));
    }

    /**
     * Parses {@code text} with the format of {@code type} (see each format for its canonical text). With
     * {@code normalize} (the registry's {@code normalize=true}) JSON object keys are sorted too.
     */
    public static ParsedSchema parse(SchemaType type, String text, boolean normalize) throws InvalidSchemaException {
        return parse(type, text, normalize, Map.of());
    }

    /** Parses, as above, with the schemas its references name (by reference name). */
    public static ParsedSchema parse(SchemaType type, String text, boolean normalize, Map<String, ParsedSchema> references)
            throws InvalidSchemaException {
        SchemaFormat format = FORMATS.get(type);
        if (format == null) {
            throw new InvalidSchemaException("Schema type " + type + " is not supported by this registry yet "
                    + "(supported: " + String.join(", ", SchemaType.supportedNames()) + ")");
        }
        if (text == null || text.isBlank()) {
            throw new InvalidSchemaException("Empty schema");
        }
        return format.parse(text, normalize, references);
    }
}

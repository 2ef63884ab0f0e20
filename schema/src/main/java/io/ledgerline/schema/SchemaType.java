package io.ledgerline.schema;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The schema formats of the Confluent API, by the names it uses in {@code schemaType}. A request without a
 * {@code schemaType} means {@link #AVRO}, and Confluent's {@code _schemas} records omit it for Avro.
 * Declared in the order Confluent's {@code GET /schemas/types} lists them.
 */
public enum SchemaType {
    JSON, PROTOBUF, AVRO;

    /** Whether this build can parse and check schemas of this type (docs/registry.md). */
    public boolean supported() {
        return Schemas.format(this).isPresent();
    }

    /** The names of the supported types, in Confluent's order (its {@code GET /schemas/types}). */
    public static List<String> supportedNames() {
        return Arrays.stream(values()).filter(SchemaType::supported).map(Enum::name).toList();
    }

    /** The type named by a request, case-insensitively as Confluent reads it; empty if none matches. */
    public static Optional<SchemaType> named(String name) {
        if (name == null) {
            return Optional.of(AVRO);
        }
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

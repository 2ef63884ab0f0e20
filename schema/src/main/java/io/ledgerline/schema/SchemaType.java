package io.ledgerline.schema;

import java.util.Locale;
import java.util.Optional;

/**
 * The schema formats of the Confluent API, by the names it uses in {@code schemaType}. A request without a
 * {@code schemaType} means {@link #AVRO}, and Confluent's {@code _schemas} records omit it for Avro.
 */
public enum SchemaType {
    AVRO, JSON, PROTOBUF;

    /** Whether this build can parse and check schemas of this type (only Avro so far: docs/registry.md). */
    public boolean supported() {
        return this == AVRO;
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

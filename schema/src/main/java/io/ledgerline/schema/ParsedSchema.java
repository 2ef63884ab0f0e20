package io.ledgerline.schema;

import org.apache.avro.Schema;

/**
 * A schema that parsed. {@link #canonical()} is the text the registry stores and compares: two submissions of
 * the same schema that differ only in whitespace or JSON key order have the same canonical text, so they get
 * the same id (as on Confluent, which compares Avro's own {@code Schema.toString()}).
 */
public record ParsedSchema(SchemaType type, String canonical, Schema avro) {
    public ParsedSchema {
        assert type == SchemaType.AVRO && avro != null : "only Avro is parsed so far";
    }
}

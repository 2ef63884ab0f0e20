package io.ledgerline.schema;

import org.apache.avro.Schema;

/**
 * A schema that parsed. {@link #canonical()} is the text the registry stores and compares: two submissions of
 * the same schema that differ only in whitespace or JSON key order have the same canonical text, so they get
 * the same id (as on Confluent, which compares each format's own canonical string). The model is the format's
 * own parsed form (an Avro {@code Schema}, a compiled JSON Schema), built once so that compatibility checks and
 * payload validation do not parse again.
 *
 * <p>Immutable and thread-safe (the models it holds are read-only after parsing).
 */
public final class ParsedSchema {
    private final SchemaFormat format;
    private final String canonical;
    private final Object model;

    public ParsedSchema(SchemaFormat format, String canonical, Object model) {
        assert format != null && canonical != null && model != null : "a parsed schema has a format, text and model";
        this.format = format;
        this.canonical = canonical;
        this.model = model;
    }

    public SchemaType type() {
        return format.type();
    }

    public String canonical() {
        return canonical;
    }

    /** The format that parsed this schema, and that checks and validates with it. */
    public SchemaFormat format() {
        return format;
    }

    /** The Avro schema of an Avro schema. */
    public Schema avro() {
        return model(Schema.class);
    }

    /** The format's model, of the class the format knows it built. */
    public <T> T model(Class<T> kind) {
        assert kind.isInstance(model) : "a " + type() + " schema's model is a " + model.getClass().getName()
                + ", not a " + kind.getName();
        return kind.cast(model);
    }

    @Override
    public String toString() {
        return type() + " " + canonical;
    }
}

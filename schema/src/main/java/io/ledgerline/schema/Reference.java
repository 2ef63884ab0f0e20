package io.ledgerline.schema;

/**
 * A schema reference, as Confluent's register body and {@code _schemas} values carry them: the schema refers by
 * {@code name} (for Protobuf, the file name its {@code import} uses) to version {@code version} of
 * {@code subject}. Immutable.
 */
public record Reference(String name, String subject, int version) {
    public Reference {
        assert name != null && subject != null : "a reference has a name and a subject";
    }
}

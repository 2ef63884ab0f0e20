package io.ledgerline.schema;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

import java.util.ArrayList;
import java.util.List;

/**
 * Compatibility of a new schema with a subject's earlier versions, by Avro's own
 * {@link SchemaCompatibility} (the rules Confluent applies to Avro: reader/writer resolution of the
 * specification, so adding a field needs a default for BACKWARD, removing one needs a default for FORWARD,
 * int→long→float→double and string↔bytes promote, enum symbols may only be added for BACKWARD).
 */
public final class Compatibility {
    private Compatibility() {
    }

    /**
     * The incompatibilities of {@code candidate} under {@code level}, empty when it is compatible.
     *
     * @param earlier the subject's live versions, oldest first; non-transitive levels use only the last
     */
    public static List<String> check(CompatibilityLevel level, ParsedSchema candidate, List<ParsedSchema> earlier) {
        List<String> messages = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return messages;
        }
        List<ParsedSchema> against = level.transitive ? earlier : earlier.subList(earlier.size() - 1, earlier.size());
        // Newest first, so the first message concerns the version the user most likely evolved from.
        for (int i = against.size() - 1; i >= 0; i--) {
            ParsedSchema previous = against.get(i);
            if (level.backward) {
                describe(candidate.avro(), previous.avro(), "BACKWARD", messages);
            }
            if (level.forward) {
                describe(previous.avro(), candidate.avro(), "FORWARD", messages);
            }
        }
        return messages;
    }

    /**
     * One message per incompatibility, in the shape Confluent's registry answers
     * ({@code {errorType:'...', description:'...', additionalInfo:'...'}}) so people who read Confluent's
     * messages read these; the description names the path and which schema (new or old) lacks what.
     */
    private static void describe(Schema reader, Schema writer, String direction, List<String> messages) {
        String readerRole = direction.equals("BACKWARD") ? "new" : "old";
        String writerRole = direction.equals("BACKWARD") ? "old" : "new";
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
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
    }
}

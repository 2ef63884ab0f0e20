package io.ledgerline.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Compatibility of a new schema with a subject's earlier versions under one of the seven levels. Which
 * versions are checked and in which direction is decided here, once for every format; whether one schema
 * reads what another writes is the format's ({@link SchemaFormat#incompatibilities}): Avro's reader/writer
 * resolution, Confluent's JSON Schema rules.
 */
public final class Compatibility {
    private Compatibility() {
    }

    /** Which of the two schemas of a check is the new one. */
    public enum Direction {
        /** The new schema reads what the earlier one wrote. */
        BACKWARD,
        /** The earlier schema reads what the new one writes. */
        FORWARD;

        /** "new" or "old": the role of the reading schema, as Confluent's messages name it. */
        public String readerRole() {
            return this == BACKWARD ? "new" : "old";
        }

        /** "old" or "new": the role of the writing schema. */
        public String writerRole() {
            return this == BACKWARD ? "old" : "new";
        }
    }

    /**
     * One incompatibility in the shape Confluent's registry answers, so people who read Confluent's messages read
     * these: {@code {errorType:'...', description:'...', additionalInfo:'...', compatibility:'BACKWARD'}}.
     */
    public static String message(String errorType, String description, String additionalInfo, Direction direction) {
        return "{errorType:'" + errorType + "', description:'" + description + "', additionalInfo:'" + additionalInfo
                + "', compatibility:'" + direction + "'}";
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
            if (previous.type() != candidate.type()) {
                // Confluent: a schema of another type is never compatible (no format reads another's data).
                messages.add("{errorType:'SCHEMA_TYPE_CHANGED', description:'The new schema is a " + candidate.type()
                        + " schema and the old one a " + previous.type() + " schema', compatibility:'" + level + "'}");
                continue;
            }
            SchemaFormat format = candidate.format();
            if (level.backward) {
                messages.addAll(format.incompatibilities(candidate, previous, Direction.BACKWARD));
            }
            if (level.forward) {
                messages.addAll(format.incompatibilities(previous, candidate, Direction.FORWARD));
            }
        }
        return messages;
    }
}

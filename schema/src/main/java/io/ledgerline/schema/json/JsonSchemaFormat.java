package io.ledgerline.schema.json;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.path.PathType;
import com.networknt.schema.SpecificationVersion;
import io.ledgerline.schema.Compatibility;
import io.ledgerline.schema.InvalidSchemaException;
import io.ledgerline.schema.ParsedSchema;
import io.ledgerline.schema.SchemaFormat;
import io.ledgerline.schema.SchemaType;
import io.ledgerline.schema.SortedJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * JSON Schema, drafts 4, 6, 7, 2019-09 and 2020-12 (by {@code $schema}; draft 7 without one, as Confluent).
 * A schema parses when it is JSON, an object or a boolean, valid against its draft's meta-schema and
 * compilable by networknt's validator (patterns compile, and so on). References to other documents are
 * refused: this registry has no schema references yet, and the validator never fetches anything over the
 * network. The canonical text is the compact JSON of the schema in its key order (Confluent's canonical
 * string); with {@code normalize} every object's keys are sorted.
 *
 * <p>Compatibility is Confluent's own rule set ({@link JsonSchemaDiff}), not a validator's inclusion test. A
 * payload is one UTF-8 JSON document (nothing after it), validated by networknt against the schema; a failure
 * names the JSON path of the value and the rule (keyword) it breaks.
 *
 * <p>Stateless and thread-safe: the compiled validator a {@link ParsedSchema} holds is read-only once built.
 */
public final class JsonSchemaFormat implements SchemaFormat {
    public static final JsonSchemaFormat INSTANCE = new JsonSchemaFormat();

    /** Confluent's default dialect for a schema without {@code $schema}. */
    static final SpecificationVersion DEFAULT_DRAFT = SpecificationVersion.DRAFT_7;
    /** Validation errors named in one message; the rest are counted. */
    static final int ERRORS_NAMED_MAX = 5;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    /** Holds the meta-schemas (from the validator's own jar), compiled once. */
    private static final SchemaRegistry META = registry();

    /** What a parsed JSON schema holds: the tree (for compatibility) and the compiled validator (for payloads). */
    record Model(JsonNode node, Schema validator) {
    }

    private JsonSchemaFormat() {
    }

    private static SchemaRegistry registry() {
        // JSON paths ($.items[0].age) in errors, as a producer's developer reads them; nothing fetched remotely.
        SchemaRegistryConfig config = SchemaRegistryConfig.builder().pathType(PathType.JSON_PATH).build();
        return SchemaRegistry.withDefaultDialect(DEFAULT_DRAFT, b -> b.schemaRegistryConfig(config)
                .schemaLoader(l -> l.fetchRemoteResources(false)));
    }

    @Override
    public SchemaType type() {
        return SchemaType.JSON;
    }

    @Override
    public ParsedSchema parse(String text, boolean normalize) throws InvalidSchemaException {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw invalid(text, "not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject() && !node.isBoolean()) {
            throw invalid(text, "a JSON Schema is an object or a boolean, not " + (node == null ? "nothing" : node.getNodeType()), null);
        }
        SpecificationVersion draft = draft(node, text);
        String external = externalReference(node);
        if (external != null) {
            throw invalid(text, "the reference \"$ref\": \"" + external + "\" names another document; schema references"
                    + " are not supported by this registry yet (only references inside the schema, starting with #)", null);
        }
        List<Error> errors = META.getSchema(SchemaLocation.of(draft.getDialectId())).validate(node);
        if (!errors.isEmpty()) {
            throw invalid(text, "not a valid " + draft + " schema: " + describe(errors), null);
        }
        Schema validator;
        try {
            // A registry of its own per schema: the validator caches schemas by $id, and two versions of one
            // subject often share an $id.
            validator = registry().getSchema(node);
            validator.initializeValidators();
        } catch (RuntimeException e) {
            throw invalid(text, e.getMessage(), e);
        }
        String canonical = normalize ? SortedJson.sorted(node.toString()) : node.toString();
        return new ParsedSchema(this, canonical, new Model(node, validator));
    }

    private static InvalidSchemaException invalid(String text, String why, Throwable cause) {
        return new InvalidSchemaException("Invalid JSON schema " + text + ": " + why, cause);
    }

    /** The draft {@code $schema} names (with or without the trailing {@code #}), else draft 7. */
    private static SpecificationVersion draft(JsonNode node, String text) throws InvalidSchemaException {
        JsonNode declared = node.isObject() ? node.get("$schema") : null;
        if (declared == null) {
            return DEFAULT_DRAFT;
        }
        String uri = declared.isString() ? strip(declared.stringValue()) : null;
        for (SpecificationVersion version : SpecificationVersion.values()) {
            if (strip(version.getDialectId()).equals(uri)) {
                return version;
            }
        }
        throw invalid(text, "$schema " + declared + " is not a draft this registry knows (known: "
                + String.join(", ", Arrays.stream(SpecificationVersion.values()).map(SpecificationVersion::getDialectId)
                .toList()) + ")", null);
    }

    private static String strip(String uri) {
        String out = uri.endsWith("#") ? uri.substring(0, uri.length() - 1) : uri;
        return out.replaceFirst("^https?://", "");
    }

    /** The first {@code $ref} that does not point inside this document, or null. */
    private static String externalReference(JsonNode node) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isString() && !ref.stringValue().startsWith("#")) {
                return ref.stringValue();
            }
        }
        for (JsonNode child : node.values()) {
            String found = externalReference(child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Up to {@link #ERRORS_NAMED_MAX} errors, each with the JSON path of the value and the rule it breaks. */
    static String describe(List<Error> errors) {
        List<String> named = new ArrayList<>();
        for (Error error : errors.subList(0, Math.min(errors.size(), ERRORS_NAMED_MAX))) {
            named.add(error.getInstanceLocation() + ": " + error.getMessage() + " (rule '" + error.getKeyword()
                    + "' at " + error.getEvaluationPath() + ")");
        }
        String more = errors.size() > ERRORS_NAMED_MAX ? "; and " + (errors.size() - ERRORS_NAMED_MAX) + " more" : "";
        return String.join("; ", named) + more;
    }

    @Override
    public List<String> incompatibilities(ParsedSchema reader, ParsedSchema writer, Compatibility.Direction direction) {
        List<String> messages = new ArrayList<>();
        for (JsonSchemaDiff.Difference difference : JsonSchemaDiff.compare(writer.model(Model.class).node(),
                reader.model(Model.class).node())) {
            if (!difference.type().compatible) {
                messages.add(Compatibility.message(difference.type().name(),
                        description(difference, direction.readerRole(), direction.writerRole()), difference.path(), direction));
            }
        }
        return messages;
    }

    /** What an incompatible difference means, naming the path and which schema (new or old) does what. */
    static String description(JsonSchemaDiff.Difference difference, String reader, String writer) {
        String at = "path '" + difference.path() + "'";
        return switch (difference.type()) {
            case SCHEMA_ADDED, MAX_LENGTH_ADDED, MIN_LENGTH_ADDED, PATTERN_ADDED, MAXIMUM_ADDED, MINIMUM_ADDED,
                 EXCLUSIVE_MAXIMUM_ADDED, EXCLUSIVE_MINIMUM_ADDED, MULTIPLE_OF_ADDED, REQUIRED_ATTRIBUTE_ADDED,
                 MAX_PROPERTIES_ADDED, MIN_PROPERTIES_ADDED, DEPENDENCY_ARRAY_ADDED, DEPENDENCY_SCHEMA_ADDED,
                 MAX_ITEMS_ADDED, MIN_ITEMS_ADDED, UNIQUE_ITEMS_ADDED ->
                    "The keyword at " + at + " in the " + reader + " schema is not present in the " + writer + " schema";
            case ADDITIONAL_PROPERTIES_REMOVED, ADDITIONAL_ITEMS_REMOVED -> "The " + reader + " schema does not permit"
                    + " the additional properties or items at " + at + " that the " + writer + " schema permits";
            case MIN_LENGTH_INCREASED, MINIMUM_INCREASED, EXCLUSIVE_MINIMUM_INCREASED, MIN_PROPERTIES_INCREASED,
                 MULTIPLE_OF_EXPANDED, MIN_ITEMS_INCREASED -> "The value at " + at + " in the " + reader
                    + " schema is more than its value in the " + writer + " schema";
            case MAX_LENGTH_DECREASED, MAXIMUM_DECREASED, EXCLUSIVE_MAXIMUM_DECREASED, MAX_PROPERTIES_DECREASED,
                 MAX_ITEMS_DECREASED -> "The value at " + at + " in the " + reader
                    + " schema is less than its value in the " + writer + " schema";
            case PATTERN_CHANGED, MULTIPLE_OF_CHANGED, DEPENDENCY_ARRAY_CHANGED -> "The value at " + at
                    + " is different between the " + reader + " and " + writer + " schema";
            case ENUM_ARRAY_NARROWED, SUM_TYPE_NARROWED, ADDITIONAL_PROPERTIES_NARROWED, ADDITIONAL_ITEMS_NARROWED ->
                    "An enum, union or additional-properties schema at " + at + " accepts fewer values in the "
                            + reader + " schema than in the " + writer + " schema";
            case DEPENDENCY_ARRAY_EXTENDED, PRODUCT_TYPE_EXTENDED, NOT_TYPE_EXTENDED -> "A dependency, allOf or not"
                    + " at " + at + " constrains more in the " + reader + " schema than in the " + writer + " schema";
            case PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, ITEM_ADDED_TO_OPEN_CONTENT_MODEL -> "The " + reader
                    + " schema has a property or item at " + at + " which is missing in the " + writer
                    + " schema, whose content model is open (it accepts any value there)";
            case REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL -> "The " + reader + " schema has a required property"
                    + " without a default at " + at + " which is missing in the " + writer + " schema";
            case PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL -> "The " + reader
                    + " schema has a closed content model and is missing a property or item present at " + at
                    + " in the " + writer + " schema";
            case PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                 ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL -> "A property or item is missing in the "
                    + reader + " schema but present at " + at + " in the " + writer
                    + " schema and is not covered by its partially open content model";
            case PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                 ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL -> "The " + reader + " schema has a property"
                    + " or item at " + at + " which is missing in the " + writer
                    + " schema and is not covered by its partially open content model";
            default -> "A type at " + at + " is different between the " + reader + " schema and the " + writer
                    + " schema";
        };
    }

    @Override
    public Optional<String> nonConformance(ParsedSchema schema, int schemaId, byte[] array, int offset, int length) {
        JsonNode document;
        try {
            document = MAPPER.readTree(array, offset, length);
        } catch (JacksonException e) {
            return Optional.of("the payload is not one UTF-8 JSON document (schema id " + schemaId + "): "
                    + e.getOriginalMessage());
        }
        if (document == null || document.isMissingNode()) {
            return Optional.of("the payload is empty, not a JSON document (schema id " + schemaId + ")");
        }
        List<Error> errors;
        try {
            errors = schema.model(Model.class).validator().validate(document);
        } catch (RuntimeException e) {
            return Optional.of("the JSON document could not be validated against schema id " + schemaId + ": "
                    + e.getMessage());
        }
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the JSON document does not conform to schema id " + schemaId + ": " + describe(errors));
    }
}

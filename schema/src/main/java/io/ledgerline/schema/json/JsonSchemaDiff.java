package io.ledgerline.schema.json;

import tools.jackson.core.JsonPointer;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Confluent's JSON Schema compatibility rules (its {@code io.confluent.kafka.schemaregistry.json.diff}, written
 * anew over Jackson trees): the differences from an {@code original} schema to an {@code update}, each of a
 * {@link Type} that is either compatible or not. "Compatible" means every document the original accepts, the
 * update accepts too: so a BACKWARD check is {@code compare(old, new)} and a FORWARD one {@code compare(new, old)}.
 * The rules are stricter than set inclusion where Confluent's are, on purpose (clients rely on the same
 * answers): a property added to an open content model (no {@code additionalProperties}, no
 * {@code patternProperties}) is incompatible unless its schema is empty, because the original accepted any
 * value under that name; a property removed is compatible only if the update's content model is open (or
 * covers it by {@code patternProperties}/{@code additionalProperties}), or the removed schema was {@code false}.
 *
 * <p>How a schema object is read (as Confluent's loader does): {@code true} and {@code {}} are the empty schema,
 * {@code false} the false schema; a local {@code $ref} is followed; {@code type} with several names is a sum
 * ({@code anyOf}) of one typed schema per name; the keywords of one type without {@code type} make that typed
 * schema; {@code enum}, {@code const}, {@code not}, {@code allOf}, {@code anyOf}, {@code oneOf} are schemas of
 * their own; several of these in one object are their product ({@code allOf}), compared facet by facet. A
 * schema of another kind than the original's is a {@code TYPE_CHANGED}, unless the original is {@code false} or
 * the update empty; a sum in the update is compatible if one of its branches is, a product in the original if
 * one of its parts is; two combined schemas are matched branch to branch (maximum matching), as Confluent does.
 *
 * <p>Not thread-safe: one instance per comparison ({@link #compare} makes it).
 */
final class JsonSchemaDiff {

    /** Confluent's difference types (names as its messages give them), each compatible or not. */
    enum Type {
        TYPE_EXTENDED(true), TYPE_NARROWED(false), TYPE_CHANGED(false), SCHEMA_ADDED(false), SCHEMA_REMOVED(true),
        MAX_LENGTH_ADDED(false), MAX_LENGTH_REMOVED(true), MAX_LENGTH_INCREASED(true), MAX_LENGTH_DECREASED(false),
        MIN_LENGTH_ADDED(false), MIN_LENGTH_REMOVED(true), MIN_LENGTH_INCREASED(false), MIN_LENGTH_DECREASED(true),
        PATTERN_ADDED(false), PATTERN_REMOVED(true), PATTERN_CHANGED(false),
        MAXIMUM_ADDED(false), MAXIMUM_REMOVED(true), MAXIMUM_INCREASED(true), MAXIMUM_DECREASED(false),
        MINIMUM_ADDED(false), MINIMUM_REMOVED(true), MINIMUM_INCREASED(false), MINIMUM_DECREASED(true),
        EXCLUSIVE_MAXIMUM_ADDED(false), EXCLUSIVE_MAXIMUM_REMOVED(true), EXCLUSIVE_MAXIMUM_INCREASED(true),
        EXCLUSIVE_MAXIMUM_DECREASED(false), EXCLUSIVE_MINIMUM_ADDED(false), EXCLUSIVE_MINIMUM_REMOVED(true),
        EXCLUSIVE_MINIMUM_INCREASED(false), EXCLUSIVE_MINIMUM_DECREASED(true),
        MULTIPLE_OF_ADDED(false), MULTIPLE_OF_REMOVED(true), MULTIPLE_OF_EXPANDED(false), MULTIPLE_OF_REDUCED(true),
        MULTIPLE_OF_CHANGED(false),
        REQUIRED_ATTRIBUTE_ADDED(false), REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED(true), REQUIRED_ATTRIBUTE_REMOVED(true),
        MAX_PROPERTIES_ADDED(false), MAX_PROPERTIES_REMOVED(true), MAX_PROPERTIES_INCREASED(true),
        MAX_PROPERTIES_DECREASED(false), MIN_PROPERTIES_ADDED(false), MIN_PROPERTIES_REMOVED(true),
        MIN_PROPERTIES_INCREASED(false), MIN_PROPERTIES_DECREASED(true),
        ADDITIONAL_PROPERTIES_ADDED(true), ADDITIONAL_PROPERTIES_REMOVED(false), ADDITIONAL_PROPERTIES_EXTENDED(true),
        ADDITIONAL_PROPERTIES_NARROWED(false),
        DEPENDENCY_ARRAY_ADDED(false), DEPENDENCY_ARRAY_REMOVED(true), DEPENDENCY_ARRAY_EXTENDED(false),
        DEPENDENCY_ARRAY_NARROWED(true), DEPENDENCY_ARRAY_CHANGED(false), DEPENDENCY_SCHEMA_ADDED(false),
        DEPENDENCY_SCHEMA_REMOVED(true),
        PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL(false), PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL(true),
        REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL(false),
        REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL(true),
        OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL(true), PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL(true),
        PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL(true), PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL(false),
        PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(true),
        PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(false),
        PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(true),
        PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(false),
        MAX_ITEMS_ADDED(false), MAX_ITEMS_REMOVED(true), MAX_ITEMS_INCREASED(true), MAX_ITEMS_DECREASED(false),
        MIN_ITEMS_ADDED(false), MIN_ITEMS_REMOVED(true), MIN_ITEMS_INCREASED(false), MIN_ITEMS_DECREASED(true),
        UNIQUE_ITEMS_ADDED(false), UNIQUE_ITEMS_REMOVED(true), ADDITIONAL_ITEMS_ADDED(true),
        ADDITIONAL_ITEMS_REMOVED(false), ADDITIONAL_ITEMS_EXTENDED(true), ADDITIONAL_ITEMS_NARROWED(false),
        ITEM_ADDED_TO_OPEN_CONTENT_MODEL(false), ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL(true),
        ITEM_ADDED_TO_CLOSED_CONTENT_MODEL(true), ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL(true),
        ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL(true), ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL(false),
        ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(true),
        ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(false),
        ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(true),
        ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL(false),
        ENUM_ARRAY_EXTENDED(true), ENUM_ARRAY_NARROWED(false), ENUM_ARRAY_CHANGED(false),
        COMBINED_TYPE_EXTENDED(true), COMBINED_TYPE_CHANGED(false), PRODUCT_TYPE_EXTENDED(false),
        PRODUCT_TYPE_NARROWED(true), SUM_TYPE_EXTENDED(true), SUM_TYPE_NARROWED(false),
        COMBINED_TYPE_SUBSCHEMAS_CHANGED(false), NOT_TYPE_EXTENDED(false), NOT_TYPE_NARROWED(true);

        /** Whether the update still accepts every document the original accepts after this change. */
        final boolean compatible;

        Type(boolean compatible) {
            this.compatible = compatible;
        }
    }

    /** One difference, at a JSON pointer ({@code #/properties/age}) into the schemas. */
    record Difference(Type type, String path) {
    }

    /** The differences from {@code original} to {@code update} (each with its root, for local references). */
    static List<Difference> compare(JsonNode original, JsonNode update) {
        JsonSchemaDiff diff = new JsonSchemaDiff();
        diff.compare(diff.view(original, original), diff.view(update, update));
        return diff.differences;
    }

    // ---- how a schema object is read ----

    enum Kind { EMPTY, FALSE, STRING, NUMBER, BOOLEAN, NULL, OBJECT, ARRAY, ENUM, CONST, NOT, COMBINED }

    enum Criterion { ALL_OF, ANY_OF, ONE_OF }

    /**
     * A schema as compared: its kind, the object it was read from, and for a combined schema its criterion and
     * parts ({@code synthetic}: the product of several facets of one object rather than a written allOf).
     */
    record View(Kind kind, JsonNode node, JsonNode root, boolean integer, Criterion criterion, List<View> parts,
                boolean synthetic) {
        static View of(Kind kind, JsonNode node, JsonNode root) {
            return new View(kind, node, root, false, null, List.of(), false);
        }
    }

    private static final Set<String> OBJECT_WORDS = Set.of("properties", "required", "additionalProperties",
            "patternProperties", "minProperties", "maxProperties", "dependencies", "dependentRequired",
            "dependentSchemas", "propertyNames");
    private static final Set<String> ARRAY_WORDS = Set.of("items", "prefixItems", "additionalItems", "minItems",
            "maxItems", "uniqueItems", "contains");
    private static final Set<String> STRING_WORDS = Set.of("minLength", "maxLength", "pattern");
    private static final Set<String> NUMBER_WORDS = Set.of("minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "multipleOf");

    /** How deep local references are followed before a schema is taken as empty (a reference to a reference...). */
    private static final int REF_HOPS_MAX = 32;

    View view(JsonNode node, JsonNode root) {
        for (int hops = 0; node != null && node.isObject() && node.has("$ref"); hops++) {
            JsonNode target = hops < REF_HOPS_MAX ? resolve(node.get("$ref"), root) : null;
            if (target == null) {
                return View.of(Kind.EMPTY, node, root);
            }
            node = target;
        }
        if (node != null && node.isBoolean()) {
            return View.of(node.booleanValue() ? Kind.EMPTY : Kind.FALSE, node, root);
        }
        if (node == null || !node.isObject()) {
            return View.of(Kind.EMPTY, node, root);
        }
        List<View> facets = new ArrayList<>();
        View typed = typed(node, root);
        if (typed != null) {
            facets.add(typed);
        }
        if (node.has("enum")) {
            facets.add(View.of(Kind.ENUM, node, root));
        }
        if (node.has("const")) {
            facets.add(View.of(Kind.CONST, node, root));
        }
        if (node.has("not")) {
            facets.add(View.of(Kind.NOT, node, root));
        }
        for (Criterion criterion : Criterion.values()) {
            JsonNode parts = node.get(keyword(criterion));
            if (parts != null && parts.isArray()) {
                List<View> views = new ArrayList<>();
                parts.forEach(part -> views.add(view(part, root)));
                facets.add(new View(Kind.COMBINED, node, root, false, criterion, views, false));
            }
        }
        if (facets.isEmpty()) {
            return View.of(Kind.EMPTY, node, root);
        }
        return facets.size() == 1 ? facets.get(0)
                : new View(Kind.COMBINED, node, root, false, Criterion.ALL_OF, facets, true);
    }

    private static JsonNode resolve(JsonNode ref, JsonNode root) {
        if (ref == null || !ref.isString() || !ref.stringValue().startsWith("#")) {
            return null;
        }
        String fragment = ref.stringValue().substring(1);
        if (fragment.isEmpty()) {
            return root;
        }
        if (!fragment.startsWith("/")) {
            return null; // an anchor name: read as the empty schema
        }
        try {
            JsonNode target = root.at(JsonPointer.compile(java.net.URLDecoder.decode(fragment.replace("+", "%2B"),
                    java.nio.charset.StandardCharsets.UTF_8)));
            return target.isMissingNode() ? null : target;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String keyword(Criterion criterion) {
        return switch (criterion) {
            case ALL_OF -> "allOf";
            case ANY_OF -> "anyOf";
            case ONE_OF -> "oneOf";
        };
    }

    /** The typed facet of an object: from {@code type}, else from the keywords of one type. */
    private View typed(JsonNode node, JsonNode root) {
        JsonNode type = node.get("type");
        List<String> names = new ArrayList<>();
        if (type != null && type.isString()) {
            names.add(type.stringValue());
        } else if (type != null && type.isArray()) {
            type.forEach(t -> names.add(t.asString()));
        } else {
            if (has(node, OBJECT_WORDS)) {
                names.add("object");
            }
            if (has(node, ARRAY_WORDS)) {
                names.add("array");
            }
            if (has(node, STRING_WORDS)) {
                names.add("string");
            }
            if (has(node, NUMBER_WORDS)) {
                names.add("number");
            }
            if (names.size() > 1) {
                List<View> parts = names.stream().map(n -> ofType(n, node, root)).toList();
                return new View(Kind.COMBINED, node, root, false, Criterion.ALL_OF, parts, true);
            }
        }
        if (names.isEmpty()) {
            return null;
        }
        if (names.size() == 1) {
            return ofType(names.get(0), node, root);
        }
        List<View> parts = new ArrayList<>(new LinkedHashSet<>(names)).stream().map(n -> ofType(n, node, root)).toList();
        return new View(Kind.COMBINED, node, root, false, Criterion.ANY_OF, parts, false);
    }

    private static boolean has(JsonNode node, Set<String> words) {
        return words.stream().anyMatch(node::has);
    }

    private static View ofType(String name, JsonNode node, JsonNode root) {
        return switch (name) {
            case "string" -> View.of(Kind.STRING, node, root);
            case "integer" -> new View(Kind.NUMBER, node, root, true, null, List.of(), false);
            case "number" -> View.of(Kind.NUMBER, node, root);
            case "boolean" -> View.of(Kind.BOOLEAN, node, root);
            case "null" -> View.of(Kind.NULL, node, root);
            case "object" -> View.of(Kind.OBJECT, node, root);
            case "array" -> View.of(Kind.ARRAY, node, root);
            default -> View.of(Kind.EMPTY, node, root);
        };
    }

    // ---- the comparison ----

    private final Deque<String> path = new ArrayDeque<>();
    /** The (original node, kind) pairs being compared: a recursive reference is compared once. */
    private final Set<Visit> visiting;
    private final List<Difference> differences = new ArrayList<>();

    private record Visit(JsonNode node, Kind kind) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Visit v && v.node == node && v.kind == kind;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(node) * 31 + kind.hashCode();
        }
    }

    private JsonSchemaDiff() {
        this.visiting = new HashSet<>();
    }

    private JsonSchemaDiff(JsonSchemaDiff parent) {
        this.visiting = new HashSet<>(parent.visiting);
        this.path.addAll(parent.path);
    }

    /** A context of its own for a trial comparison, kept or dropped by the caller. */
    private JsonSchemaDiff sub() {
        return new JsonSchemaDiff(this);
    }

    private boolean compatible() {
        return differences.stream().allMatch(d -> d.type().compatible);
    }

    private void add(Type type) {
        differences.add(new Difference(type, "#/" + String.join("/", path)));
    }

    private void add(String keyword, Type type) {
        path.addLast(keyword);
        add(type);
        path.removeLast();
    }

    private void enter(String step) {
        path.addLast(step);
    }

    private void leave() {
        path.removeLast();
    }

    private void compareNodes(JsonNode original, JsonNode originalRoot, JsonNode update, JsonNode updateRoot) {
        if (original == null && update == null) {
            return;
        }
        if (original == null) {
            add(Type.SCHEMA_ADDED);
            return;
        }
        if (update == null) {
            add(Type.SCHEMA_REMOVED);
            return;
        }
        compare(view(original, originalRoot), view(update, updateRoot));
    }

    void compare(View original, View update) {
        boolean originalCombined = original.kind() == Kind.COMBINED;
        boolean updateCombined = update.kind() == Kind.COMBINED;
        if (!originalCombined && updateCombined) {
            if (update.parts().size() == 1) {
                if (tryPart(original, update.parts().get(0), null)) {
                    return;
                }
            } else if (update.criterion() != Criterion.ALL_OF) {
                for (View part : update.parts()) {
                    if (tryPart(original, part, Type.SUM_TYPE_EXTENDED)) {
                        return;
                    }
                }
            }
        } else if (originalCombined && !updateCombined) {
            if (original.parts().size() == 1) {
                if (tryPart(original.parts().get(0), update, null)) {
                    return;
                }
            } else if (original.criterion() == Criterion.ALL_OF) {
                for (View part : original.parts()) {
                    if (tryPart(part, update, Type.PRODUCT_TYPE_NARROWED)) {
                        return;
                    }
                }
            }
        }
        if (original.kind() != update.kind()) {
            if (original.kind() != Kind.FALSE && update.kind() != Kind.EMPTY) {
                add(Type.TYPE_CHANGED);
            }
            return;
        }
        Visit visit = new Visit(original.node(), original.kind());
        if (original.node() != null && !visiting.add(visit)) {
            return;
        }
        try {
            switch (original.kind()) {
                case STRING -> compareString(original.node(), update.node());
                case NUMBER -> compareNumber(original, update);
                case ENUM -> compareEnum(original.node(), update.node());
                case CONST -> {
                    if (!original.node().get("const").equals(update.node().get("const"))) {
                        add("const", Type.ENUM_ARRAY_CHANGED);
                    }
                }
                case NOT -> compareNot(original, update);
                case COMBINED -> compareCombined(original, update);
                case OBJECT -> compareObject(original, update);
                case ARRAY -> compareArray(original, update);
                default -> {
                }
            }
        } finally {
            visiting.remove(visit);
        }
    }

    /** Compares with one part of a combined schema; keeps the result (plus {@code marker}) if it is compatible. */
    private boolean tryPart(View original, View update, Type marker) {
        JsonSchemaDiff trial = sub();
        trial.compare(original, update);
        if (!trial.compatible()) {
            return false;
        }
        differences.addAll(trial.differences);
        if (marker != null) {
            add(marker);
        }
        return true;
    }

    /**
     * A property or item one side names and the other covers by a pattern or additional schema: compared with
     * that schema, and marked {@code covered} or {@code notCovered} by the result.
     */
    private void covered(View original, View update, Type covered, Type notCovered) {
        JsonSchemaDiff trial = sub();
        trial.compare(original, update);
        differences.addAll(trial.differences);
        add(trial.compatible() ? covered : notCovered);
    }

    private void compareString(JsonNode original, JsonNode update) {
        compareLimit(original, update, "maxLength", Type.MAX_LENGTH_ADDED, Type.MAX_LENGTH_REMOVED,
                Type.MAX_LENGTH_INCREASED, Type.MAX_LENGTH_DECREASED);
        compareLimit(original, update, "minLength", Type.MIN_LENGTH_ADDED, Type.MIN_LENGTH_REMOVED,
                Type.MIN_LENGTH_INCREASED, Type.MIN_LENGTH_DECREASED);
        JsonNode before = original.get("pattern");
        JsonNode after = update.get("pattern");
        if (before == null && after != null) {
            add("pattern", Type.PATTERN_ADDED);
        } else if (before != null && after == null) {
            add("pattern", Type.PATTERN_REMOVED);
        } else if (before != null && !before.equals(after)) {
            add("pattern", Type.PATTERN_CHANGED);
        }
    }

    /** A numeric keyword: added, removed, or its value raised or lowered. */
    private void compareLimit(JsonNode original, JsonNode update, String keyword, Type added, Type removed,
                              Type increased, Type decreased) {
        compareLimit(number(original.get(keyword)), number(update.get(keyword)), keyword, added, removed,
                increased, decreased);
    }

    private void compareLimit(BigDecimal before, BigDecimal after, String keyword, Type added, Type removed,
                              Type increased, Type decreased) {
        if (before == null && after == null) {
            return;
        }
        if (before == null) {
            add(keyword, added);
        } else if (after == null) {
            add(keyword, removed);
        } else if (before.compareTo(after) < 0) {
            add(keyword, increased);
        } else if (before.compareTo(after) > 0) {
            add(keyword, decreased);
        }
    }

    private static BigDecimal number(JsonNode node) {
        return node != null && node.isNumber() ? node.decimalValue() : null;
    }

    /** The four bounds of a number schema; draft 4's boolean {@code exclusiveMaximum} makes {@code maximum} exclusive. */
    private static BigDecimal[] bounds(JsonNode node) {
        BigDecimal maximum = number(node.get("maximum"));
        BigDecimal minimum = number(node.get("minimum"));
        BigDecimal exclusiveMaximum = number(node.get("exclusiveMaximum"));
        BigDecimal exclusiveMinimum = number(node.get("exclusiveMinimum"));
        if (node.path("exclusiveMaximum").isBoolean() && node.get("exclusiveMaximum").booleanValue()) {
            exclusiveMaximum = maximum;
            maximum = null;
        }
        if (node.path("exclusiveMinimum").isBoolean() && node.get("exclusiveMinimum").booleanValue()) {
            exclusiveMinimum = minimum;
            minimum = null;
        }
        return new BigDecimal[] {maximum, minimum, exclusiveMaximum, exclusiveMinimum};
    }

    private void compareNumber(View original, View update) {
        BigDecimal[] before = bounds(original.node());
        BigDecimal[] after = bounds(update.node());
        compareLimit(before[0], after[0], "maximum", Type.MAXIMUM_ADDED, Type.MAXIMUM_REMOVED,
                Type.MAXIMUM_INCREASED, Type.MAXIMUM_DECREASED);
        compareLimit(before[1], after[1], "minimum", Type.MINIMUM_ADDED, Type.MINIMUM_REMOVED,
                Type.MINIMUM_INCREASED, Type.MINIMUM_DECREASED);
        compareLimit(before[2], after[2], "exclusiveMaximum", Type.EXCLUSIVE_MAXIMUM_ADDED,
                Type.EXCLUSIVE_MAXIMUM_REMOVED, Type.EXCLUSIVE_MAXIMUM_INCREASED, Type.EXCLUSIVE_MAXIMUM_DECREASED);
        compareLimit(before[3], after[3], "exclusiveMinimum", Type.EXCLUSIVE_MINIMUM_ADDED,
                Type.EXCLUSIVE_MINIMUM_REMOVED, Type.EXCLUSIVE_MINIMUM_INCREASED, Type.EXCLUSIVE_MINIMUM_DECREASED);
        BigDecimal multipleBefore = number(original.node().get("multipleOf"));
        BigDecimal multipleAfter = number(update.node().get("multipleOf"));
        if (multipleBefore != null && multipleAfter != null && multipleBefore.compareTo(multipleAfter) == 0) {
            multipleAfter = multipleBefore;
        }
        if (!Objects.equals(multipleBefore, multipleAfter)) {
            if (multipleBefore == null) {
                add("multipleOf", Type.MULTIPLE_OF_ADDED);
            } else if (multipleAfter == null) {
                add("multipleOf", Type.MULTIPLE_OF_REMOVED);
            } else if (multipleAfter.remainder(multipleBefore).signum() == 0) {
                add("multipleOf", Type.MULTIPLE_OF_EXPANDED);
            } else if (multipleBefore.remainder(multipleAfter).signum() == 0) {
                add("multipleOf", Type.MULTIPLE_OF_REDUCED);
            } else {
                add("multipleOf", Type.MULTIPLE_OF_CHANGED);
            }
        }
        if (original.integer() != update.integer()) {
            add(original.integer() ? Type.TYPE_EXTENDED : Type.TYPE_NARROWED);
        }
    }

    private void compareEnum(JsonNode original, JsonNode update) {
        Set<JsonNode> before = new HashSet<>(original.get("enum").values());
        Set<JsonNode> after = new HashSet<>(update.get("enum").values());
        if (!before.equals(after)) {
            if (after.containsAll(before)) {
                add("enum", Type.ENUM_ARRAY_EXTENDED);
            } else if (before.containsAll(after)) {
                add("enum", Type.ENUM_ARRAY_NARROWED);
            } else {
                add("enum", Type.ENUM_ARRAY_CHANGED);
            }
        }
    }

    private void compareNot(View original, View update) {
        enter("not");
        JsonSchemaDiff trial = sub();
        // Reversed: the update excludes less when what it excludes is read by what the original excluded.
        trial.compare(view(update.node().get("not"), update.root()), view(original.node().get("not"), original.root()));
        add(trial.compatible() ? Type.NOT_TYPE_NARROWED : Type.NOT_TYPE_EXTENDED);
        leave();
    }

    private void compareCombined(View original, View update) {
        if (original.synthetic() && update.synthetic()) {
            compareFacets(original, update);
            return;
        }
        Type criteria = compareCriteria(original, update);
        if (criteria == Type.COMBINED_TYPE_CHANGED) {
            return;
        }
        List<View> before = new ArrayList<>(new LinkedHashSet<>(original.parts()));
        List<View> after = new ArrayList<>(new LinkedHashSet<>(update.parts()));
        if (before.size() < after.size()) {
            add(update.criterion() == Criterion.ALL_OF ? Type.PRODUCT_TYPE_EXTENDED : Type.SUM_TYPE_EXTENDED);
        } else if (before.size() > after.size()) {
            add(original.criterion() == Criterion.ALL_OF ? Type.PRODUCT_TYPE_NARROWED : Type.SUM_TYPE_NARROWED);
        }
        // Which part of the original each part of the update can stand for; then a maximum matching of the two.
        List<List<Integer>> edges = new ArrayList<>();
        Map<Long, List<Difference>> found = new TreeMap<>();
        for (int i = 0; i < before.size(); i++) {
            enter(keyword(original.criterion()) + "/" + i);
            List<Integer> compatibleWith = new ArrayList<>();
            for (int j = 0; j < after.size(); j++) {
                JsonSchemaDiff trial = sub();
                trial.compare(before.get(i), after.get(j));
                if (trial.compatible()) {
                    compatibleWith.add(j);
                    found.put((long) i << 32 | j, trial.differences);
                }
            }
            edges.add(compatibleWith);
            leave();
        }
        int[] matchOfAfter = maximumMatching(edges, after.size());
        int matched = 0;
        for (int j = 0; j < after.size(); j++) {
            if (matchOfAfter[j] >= 0) {
                matched++;
                differences.addAll(found.get((long) matchOfAfter[j] << 32 | j));
            }
        }
        if (matched < Math.min(before.size(), after.size())) {
            add(Type.COMBINED_TYPE_SUBSCHEMAS_CHANGED);
        }
    }

    /**
     * Two objects that each combine several facets (a type with an {@code enum}, say): facets of one kind are
     * compared with each other, a facet only the original has is a constraint dropped (compatible), one only the
     * update has a constraint added (not compatible).
     */
    private void compareFacets(View original, View update) {
        Map<String, View> before = facetsByKind(original);
        Map<String, View> after = facetsByKind(update);
        Set<String> kinds = new TreeSet<>(before.keySet());
        kinds.addAll(after.keySet());
        for (String kind : kinds) {
            View a = before.get(kind);
            View b = after.get(kind);
            if (a != null && b != null) {
                compare(a, b);
            } else if (b == null) {
                add(Type.PRODUCT_TYPE_NARROWED);
            } else {
                add(Type.PRODUCT_TYPE_EXTENDED);
            }
        }
    }

    private static Map<String, View> facetsByKind(View combined) {
        Map<String, View> out = new TreeMap<>();
        for (View part : combined.parts()) {
            String key = part.kind() == Kind.COMBINED ? "COMBINED/" + part.criterion()
                    : part.kind() == Kind.NUMBER || part.kind() == Kind.STRING || part.kind() == Kind.OBJECT
                    || part.kind() == Kind.ARRAY || part.kind() == Kind.BOOLEAN || part.kind() == Kind.NULL
                    ? "TYPED" : part.kind().name();
            out.putIfAbsent(key, part);
        }
        return out;
    }

    private Type compareCriteria(View original, View update) {
        Criterion before = original.criterion();
        Criterion after = update.criterion();
        if (before == after) {
            return null;
        }
        boolean singleBefore = original.parts().size() == 1;
        boolean singleAfter = update.parts().size() == 1;
        Type type = after == Criterion.ANY_OF || singleBefore && singleAfter
                || singleBefore && after == Criterion.ONE_OF || singleAfter && before == Criterion.ALL_OF
                ? Type.COMBINED_TYPE_EXTENDED : Type.COMBINED_TYPE_CHANGED;
        add(type);
        return type;
    }

    /** Kuhn's augmenting paths: for each right vertex, the left vertex matched to it, or -1. Sizes are small. */
    private static int[] maximumMatching(List<List<Integer>> edges, int rightSize) {
        int[] matchOfRight = new int[rightSize];
        java.util.Arrays.fill(matchOfRight, -1);
        for (int left = 0; left < edges.size(); left++) {
            augment(left, edges, matchOfRight, new boolean[rightSize]);
        }
        return matchOfRight;
    }

    private static boolean augment(int left, List<List<Integer>> edges, int[] matchOfRight, boolean[] seen) {
        for (int right : edges.get(left)) {
            if (!seen[right]) {
                seen[right] = true;
                if (matchOfRight[right] < 0 || augment(matchOfRight[right], edges, matchOfRight, seen)) {
                    matchOfRight[right] = left;
                    return true;
                }
            }
        }
        return false;
    }

    // ---- objects ----

    private void compareObject(View originalView, View updateView) {
        JsonNode original = originalView.node();
        JsonNode update = updateView.node();
        JsonNode originalRoot = originalView.root();
        JsonNode updateRoot = updateView.root();
        Map<String, JsonNode> beforeProperties = members(original.get("properties"));
        Map<String, JsonNode> afterProperties = members(update.get("properties"));
        Set<String> beforeRequired = strings(original.get("required"));
        Set<String> afterRequired = strings(update.get("required"));

        enter("required");
        for (String name : beforeProperties.keySet()) {
            if (afterProperties.containsKey(name)) {
                boolean was = beforeRequired.contains(name);
                boolean is = afterRequired.contains(name);
                if (was && !is) {
                    add(name, Type.REQUIRED_ATTRIBUTE_REMOVED);
                } else if (!was && is) {
                    add(name, hasDefault(afterProperties.get(name)) ? Type.REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
                            : Type.REQUIRED_ATTRIBUTE_ADDED);
                }
            }
        }
        leave();

        enter("properties");
        Set<String> names = new TreeSet<>(beforeProperties.keySet());
        names.addAll(afterProperties.keySet());
        for (String name : names) {
            enter(name);
            JsonNode before = beforeProperties.get(name);
            JsonNode after = afterProperties.get(name);
            if (after == null) {
                // Only the update's content model matters: a property can go if the update still accepts it.
                if (isOpen(update)) {
                    add(Type.PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL);
                } else {
                    JsonNode covering = covering(update, name);
                    if (covering != null) {
                        covered(view(before, originalRoot), view(covering, updateRoot),
                                Type.PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                                Type.PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
                    } else {
                        add(view(before, originalRoot).kind() == Kind.FALSE
                                ? Type.PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                                : Type.PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
                    }
                }
            } else if (before == null) {
                // Only the original's content model matters: an open one accepted any value under this name.
                if (isOpen(original)) {
                    add(isEmptySchema(view(after, updateRoot)) ? Type.PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                            : Type.PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL);
                } else {
                    JsonNode covering = covering(original, name);
                    if (covering != null) {
                        covered(view(covering, originalRoot), view(after, updateRoot),
                                Type.PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                                Type.PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
                    }
                    if (afterRequired.contains(name)) {
                        add(hasDefault(after) ? Type.REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
                                : Type.REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
                    } else {
                        add(Type.OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL);
                    }
                }
            } else {
                compare(view(before, originalRoot), view(after, updateRoot));
            }
            leave();
        }
        leave();

        compareDependencies(originalView, updateView);

        enter("additionalProperties");
        JsonNode before = original.get("additionalProperties");
        JsonNode after = update.get("additionalProperties");
        boolean permittedBefore = before == null || !before.isBoolean() || before.booleanValue();
        boolean permittedAfter = after == null || !after.isBoolean() || after.booleanValue();
        JsonNode schemaBefore = before != null && before.isObject() ? before : null;
        JsonNode schemaAfter = after != null && after.isObject() ? after : null;
        if (permittedBefore != permittedAfter) {
            add(permittedAfter ? Type.ADDITIONAL_PROPERTIES_ADDED : Type.ADDITIONAL_PROPERTIES_REMOVED);
        } else if (schemaBefore == null && schemaAfter != null) {
            add(Type.ADDITIONAL_PROPERTIES_NARROWED);
        } else if (schemaBefore != null && schemaAfter == null) {
            add(Type.ADDITIONAL_PROPERTIES_EXTENDED);
        } else {
            compareNodes(schemaBefore, originalRoot, schemaAfter, updateRoot);
        }
        leave();

        compareLimit(original, update, "maxProperties", Type.MAX_PROPERTIES_ADDED, Type.MAX_PROPERTIES_REMOVED,
                Type.MAX_PROPERTIES_INCREASED, Type.MAX_PROPERTIES_DECREASED);
        compareLimit(original, update, "minProperties", Type.MIN_PROPERTIES_ADDED, Type.MIN_PROPERTIES_REMOVED,
                Type.MIN_PROPERTIES_INCREASED, Type.MIN_PROPERTIES_DECREASED);
    }

    private void compareDependencies(View originalView, View updateView) {
        Map<String, Set<String>> arraysBefore = new TreeMap<>();
        Map<String, JsonNode> schemasBefore = new TreeMap<>();
        dependencies(originalView.node(), arraysBefore, schemasBefore);
        Map<String, Set<String>> arraysAfter = new TreeMap<>();
        Map<String, JsonNode> schemasAfter = new TreeMap<>();
        dependencies(updateView.node(), arraysAfter, schemasAfter);
        enter("dependencies");
        Set<String> names = new TreeSet<>(arraysBefore.keySet());
        names.addAll(arraysAfter.keySet());
        for (String name : names) {
            Set<String> before = arraysBefore.get(name);
            Set<String> after = arraysAfter.get(name);
            if (after == null) {
                add(name, Type.DEPENDENCY_ARRAY_REMOVED);
            } else if (before == null) {
                add(name, Type.DEPENDENCY_ARRAY_ADDED);
            } else if (!before.equals(after)) {
                add(name, after.containsAll(before) ? Type.DEPENDENCY_ARRAY_EXTENDED
                        : before.containsAll(after) ? Type.DEPENDENCY_ARRAY_NARROWED : Type.DEPENDENCY_ARRAY_CHANGED);
            }
        }
        names = new TreeSet<>(schemasBefore.keySet());
        names.addAll(schemasAfter.keySet());
        for (String name : names) {
            JsonNode before = schemasBefore.get(name);
            JsonNode after = schemasAfter.get(name);
            if (after == null) {
                add(name, Type.DEPENDENCY_SCHEMA_REMOVED);
            } else if (before == null) {
                add(name, Type.DEPENDENCY_SCHEMA_ADDED);
            } else {
                enter(name);
                compare(view(before, originalView.root()), view(after, updateView.root()));
                leave();
            }
        }
        leave();
    }

    /** Draft 4-7 {@code dependencies} (arrays or schemas) and 2019-09's {@code dependentRequired}/{@code dependentSchemas}. */
    private static void dependencies(JsonNode node, Map<String, Set<String>> arrays, Map<String, JsonNode> schemas) {
        members(node.get("dependencies")).forEach((name, value) -> {
            if (value.isArray()) {
                arrays.put(name, strings(value));
            } else {
                schemas.put(name, value);
            }
        });
        members(node.get("dependentRequired")).forEach((name, value) -> arrays.put(name, strings(value)));
        schemas.putAll(members(node.get("dependentSchemas")));
    }

    /** Open: neither {@code patternProperties} nor a schema (or {@code false}) for additional properties. */
    private static boolean isOpen(JsonNode object) {
        JsonNode additional = object.get("additionalProperties");
        return members(object.get("patternProperties")).isEmpty()
                && (additional == null || additional.isBoolean() && additional.booleanValue());
    }

    /** The schema a partially open object gives a property it does not name: a matching pattern, else additionalProperties. */
    private static JsonNode covering(JsonNode object, String name) {
        for (Map.Entry<String, JsonNode> entry : members(object.get("patternProperties")).entrySet()) {
            try {
                if (Pattern.compile(entry.getKey()).matcher(name).find()) {
                    return entry.getValue();
                }
            } catch (PatternSyntaxException e) {
                // Refused at parse time by the validator; an old stored schema with one is read as not matching.
            }
        }
        JsonNode additional = object.get("additionalProperties");
        return additional != null && additional.isObject() ? additional : null;
    }

    private static boolean hasDefault(JsonNode schema) {
        return schema != null && schema.isObject() && schema.has("default");
    }

    private static boolean isEmptySchema(View view) {
        return view.kind() == Kind.EMPTY;
    }

    private static Map<String, JsonNode> members(JsonNode node) {
        Map<String, JsonNode> out = new TreeMap<>();
        if (node != null && node.isObject()) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                out.put(entry.getKey(), entry.getValue());
            }
        }
        return out;
    }

    private static Set<String> strings(JsonNode node) {
        Set<String> out = new TreeSet<>();
        if (node != null && node.isArray()) {
            node.forEach(n -> out.add(n.asString()));
        }
        return out;
    }

    // ---- arrays ----

    /** An array schema's parts, read per draft: 2020-12's {@code prefixItems}/{@code items}, or {@code items}/{@code additionalItems}. */
    private record ArrayParts(JsonNode allItems, List<JsonNode> tuple, boolean additionalPermitted,
                              JsonNode additionalSchema) {
        static ArrayParts of(JsonNode node) {
            JsonNode items = node.get("items");
            JsonNode prefix = node.get("prefixItems");
            List<JsonNode> tuple = new ArrayList<>();
            JsonNode additional;
            JsonNode allItems = null;
            if (prefix != null && prefix.isArray()) {
                prefix.forEach(tuple::add);
                additional = items;
            } else if (items != null && items.isArray()) {
                items.forEach(tuple::add);
                additional = node.get("additionalItems");
            } else {
                allItems = items;
                additional = null;
            }
            boolean permitted = additional == null || !additional.isBoolean() || additional.booleanValue();
            return new ArrayParts(allItems, tuple, permitted, additional != null && additional.isObject() ? additional : null);
        }

        boolean open() {
            return additionalPermitted && additionalSchema == null;
        }
    }

    private void compareArray(View originalView, View updateView) {
        JsonNode original = originalView.node();
        JsonNode update = updateView.node();
        JsonNode originalRoot = originalView.root();
        JsonNode updateRoot = updateView.root();
        ArrayParts before = ArrayParts.of(original);
        ArrayParts after = ArrayParts.of(update);

        enter("items");
        compareNodes(before.allItems(), originalRoot, after.allItems(), updateRoot);
        leave();

        int common = Math.min(before.tuple().size(), after.tuple().size());
        for (int i = 0; i < Math.max(before.tuple().size(), after.tuple().size()); i++) {
            enter("items/" + i);
            if (i < common) {
                compare(view(before.tuple().get(i), originalRoot), view(after.tuple().get(i), updateRoot));
            } else if (i < before.tuple().size()) {
                JsonNode removed = before.tuple().get(i);
                if (after.open()) {
                    add(Type.ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL);
                } else if (after.additionalSchema() != null) {
                    covered(view(removed, originalRoot), view(after.additionalSchema(), updateRoot),
                            Type.ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                            Type.ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
                } else {
                    add(view(removed, originalRoot).kind() == Kind.FALSE
                            ? Type.ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                            : Type.ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
                }
            } else {
                JsonNode added = after.tuple().get(i);
                if (before.open()) {
                    add(isEmptySchema(view(added, updateRoot)) ? Type.ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                            : Type.ITEM_ADDED_TO_OPEN_CONTENT_MODEL);
                } else if (before.additionalSchema() != null) {
                    covered(view(before.additionalSchema(), originalRoot), view(added, updateRoot),
                            Type.ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
                            Type.ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL);
                } else {
                    add(Type.ITEM_ADDED_TO_CLOSED_CONTENT_MODEL);
                }
            }
            leave();
        }

        enter("additionalItems");
        if (before.additionalPermitted() != after.additionalPermitted()) {
            add(before.additionalPermitted() ? Type.ADDITIONAL_ITEMS_REMOVED : Type.ADDITIONAL_ITEMS_ADDED);
        } else if (before.additionalSchema() == null && after.additionalSchema() != null) {
            add(Type.ADDITIONAL_ITEMS_NARROWED);
        } else if (before.additionalSchema() != null && after.additionalSchema() == null) {
            add(Type.ADDITIONAL_ITEMS_EXTENDED);
        } else {
            compareNodes(before.additionalSchema(), originalRoot, after.additionalSchema(), updateRoot);
        }
        leave();

        compareLimit(original, update, "maxItems", Type.MAX_ITEMS_ADDED, Type.MAX_ITEMS_REMOVED,
                Type.MAX_ITEMS_INCREASED, Type.MAX_ITEMS_DECREASED);
        compareLimit(original, update, "minItems", Type.MIN_ITEMS_ADDED, Type.MIN_ITEMS_REMOVED,
                Type.MIN_ITEMS_INCREASED, Type.MIN_ITEMS_DECREASED);
        boolean uniqueBefore = original.path("uniqueItems").booleanValue(false);
        boolean uniqueAfter = update.path("uniqueItems").booleanValue(false);
        if (uniqueBefore != uniqueAfter) {
            add("uniqueItems", uniqueBefore ? Type.UNIQUE_ITEMS_REMOVED : Type.UNIQUE_ITEMS_ADDED);
        }
    }
}

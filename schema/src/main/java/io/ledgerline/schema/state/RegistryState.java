package io.ledgerline.schema.state;

import io.ledgerline.schema.CompatibilityLevel;
import io.ledgerline.schema.InvalidSchemaException;
import io.ledgerline.schema.ParsedSchema;
import io.ledgerline.schema.Reference;
import io.ledgerline.schema.SchemaType;
import io.ledgerline.schema.Schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The registry's state: subjects, their versions, the schema of every id, compatibility configs. It changes
 * only by {@link #replay} of {@code _schemas} records, in topic order, so a restart (a replay from offset 0)
 * rebuilds it exactly and {@link #digest()} proves it. Not thread-safe: the owner serializes replay and reads.
 *
 * <p>It lives in {@code schema} (no network, no Kafka), not in {@code registry}, so that the broker can replay
 * its local {@code _schemas} partition into one and validate records at produce ({@link #parsed(int)} for
 * {@link io.ledgerline.schema.PayloadValidator}, {@link #registeredUnder} for Confluent's schema-id validation)
 * without calling the registry over the network.
 *
 * <p>Ids are global: one schema text (canonical, per type) has one id in every subject. A new schema gets
 * {@code highest id ever seen + 1}, so an id is never reused as long as the topic keeps the record that
 * carried the highest id (compaction keeps the newest record per key, and a permanent delete's tombstone
 * removes it: then the id could come back, as on Confluent, see docs/registry.md).
 */
public final class RegistryState {
    /** The level a registry without a global config applies (Confluent's default). */
    public static final CompatibilityLevel DEFAULT_LEVEL = CompatibilityLevel.BACKWARD;

    /** Confluent's modes: READWRITE (default), READONLY (no writes), IMPORT (writes with given ids, no checks). */
    public enum Mode { READWRITE, READONLY, IMPORT }

    /** A version of a subject as stored. */
    public record Version(String subject, int version, int id, SchemaType type, String schema, boolean deleted,
                          List<Reference> references) {
        public Version {
            references = List.copyOf(references);
        }
    }

    /** The schema an id names, with the subject-versions that use it. */
    public record IdEntry(int id, SchemaType type, String schema, List<Reference> references, SortedSet<String> usages) {
    }

    /** How deep references may nest when a schema is parsed: bounds a cycle a foreign topic could hold. */
    static final int REFERENCE_DEPTH_MAX = 32;

    private final NavigableMap<String, NavigableMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<Integer, IdEntry> ids = new HashMap<>();
    /** (type, canonical text) -> id, for the ids still in {@link #ids}. */
    private final Map<String, Integer> idsByText = new HashMap<>();
    /** Parsed schemas by id, filled on first use; only derived data, not part of the digest. */
    private final Map<Integer, ParsedSchema> parsed = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new TreeMap<>();
    private CompatibilityLevel globalLevel;
    private final Map<String, Mode> subjectModes = new TreeMap<>();
    private Mode globalMode;
    private int maxId;
    private long recordsIgnored;

    /** Applies one record. Records this registry does not interpret are counted, never fatal. */
    public void replay(SchemasRecord record) {
        if (record instanceof SchemasRecord.SchemaVersion v) {
            putVersion(new Version(v.subject(), v.version(), v.id(), v.type(), v.schema(), v.deleted(), v.references()));
        } else if (record instanceof SchemasRecord.SchemaTombstone t) {
            removeVersion(t.subject(), t.version());
        } else if (record instanceof SchemasRecord.Config c) {
            Optional<CompatibilityLevel> level = CompatibilityLevel.named(c.compatibilityLevel());
            if (c.compatibilityLevel() != null && level.isEmpty()) {
                recordsIgnored++;
            } else if (c.subject() == null) {
                globalLevel = level.orElse(null);
            } else if (level.isPresent()) {
                subjectLevels.put(c.subject(), level.get());
            } else {
                subjectLevels.remove(c.subject());
            }
        } else if (record instanceof SchemasRecord.Mode m) {
            Mode mode = null;
            if (m.mode() != null) {
                try {
                    mode = Mode.valueOf(m.mode());
                } catch (IllegalArgumentException e) {
                    recordsIgnored++;
                    return;
                }
            }
            if (m.subject() == null) {
                globalMode = mode;
            } else if (mode == null) {
                subjectModes.remove(m.subject());
            } else {
                subjectModes.put(m.subject(), mode);
            }
        } else if (record instanceof SchemasRecord.DeleteSubject d) {
            for (Version v : new ArrayList<>(versionsOf(d.subject()).headMap(d.version(), true).values())) {
                putVersion(new Version(v.subject(), v.version(), v.id(), v.type(), v.schema(), true, v.references()));
            }
        } else if (record instanceof SchemasRecord.ClearSubject c) {
            for (Version v : new ArrayList<>(versionsOf(c.subject()).headMap(c.version(), true).values())) {
                if (v.deleted()) {
                    removeVersion(v.subject(), v.version());
                }
            }
        } else if (record instanceof SchemasRecord.Ignored) {
            recordsIgnored++;
        }
        assert invariantsHold();
    }

    private void putVersion(Version v) {
        removeVersion(v.subject(), v.version());
        subjects.computeIfAbsent(v.subject(), s -> new TreeMap<>()).put(v.version(), v);
        IdEntry entry = ids.computeIfAbsent(v.id(), id -> {
            idsByText.putIfAbsent(textKey(v.type(), canonicalOf(v.type(), v.schema()), v.references()), id);
            return new IdEntry(id, v.type(), v.schema(), v.references(), new TreeSet<>());
        });
        entry.usages().add(usage(v.subject(), v.version()));
        maxId = Math.max(maxId, v.id());
    }

    private void removeVersion(String subject, int version) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        Version old = versions == null ? null : versions.remove(version);
        if (old == null) {
            return;
        }
        if (versions.isEmpty()) {
            subjects.remove(subject);
        }
        IdEntry entry = ids.get(old.id());
        entry.usages().remove(usage(subject, version));
        if (entry.usages().isEmpty()) {
            ids.remove(old.id());
            parsed.remove(old.id());
            idsByText.values().removeIf(id -> id == old.id());
        }
    }

    private static String usage(String subject, int version) {
        // Zero-padded so that the sorted set orders a subject's versions numerically.
        return subject + "\u0000" + String.format("%010d", version);
    }

    /** One schema is its type, its text and its references (Confluent: the same text with other references is another schema). */
    private static String textKey(SchemaType type, String canonical, List<Reference> references) {
        return type + "\u0000" + canonical + "\u0000" + references;
    }

    /**
     * The canonical text of a stored schema: a topic written by another registry may format it otherwise. A
     * schema with references may not parse alone; its stored text is then compared as it is.
     */
    private static String canonicalOf(SchemaType type, String schema) {
        if (!type.supported()) {
            return schema;
        }
        try {
            return Schemas.parse(type, schema, false).canonical();
        } catch (InvalidSchemaException e) {
            return schema;
        }
    }

    // ---- reads ----

    /** A subject's versions, soft-deleted ones included; empty if it has none. */
    public NavigableMap<Integer, Version> versionsOf(String subject) {
        return Collections.unmodifiableNavigableMap(subjects.getOrDefault(subject, Collections.emptyNavigableMap()));
    }

    /** Subject names, in order; with {@code deleted}, also those whose versions are all soft-deleted. */
    public List<String> subjects(boolean deleted) {
        List<String> out = new ArrayList<>();
        subjects.forEach((name, versions) -> {
            if (deleted || versions.values().stream().anyMatch(v -> !v.deleted())) {
                out.add(name);
            }
        });
        return out;
    }

    /** Live versions of a subject, oldest first (with {@code deleted}, soft-deleted ones too). */
    public List<Version> versions(String subject, boolean deleted) {
        return versionsOf(subject).values().stream().filter(v -> deleted || !v.deleted()).toList();
    }

    public Optional<IdEntry> id(int id) {
        return Optional.ofNullable(ids.get(id));
    }

    /**
     * The id of a schema text already registered somewhere. Both sides are compared in Avro's
     * {@code toString()} form, so a normalized text (keys sorted) finds the stored normalized text.
     */
    public Optional<Integer> idOf(SchemaType type, String canonical) {
        return idOf(type, canonical, List.of());
    }

    /** The id of a schema text with these references already registered somewhere. */
    public Optional<Integer> idOf(SchemaType type, String canonical, List<Reference> references) {
        Integer id = idsByText.get(textKey(type, canonical, references));
        return id != null ? Optional.of(id)
                : Optional.ofNullable(idsByText.get(textKey(type, canonicalOf(type, canonical), references)));
    }

    /**
     * The parsed schemas a list of references names, by reference name; empty if one names no version (the
     * message says which).
     */
    public Map<String, ParsedSchema> referenced(List<Reference> references, List<String> missing) {
        return referenced(references, missing, 0);
    }

    private Map<String, ParsedSchema> referenced(List<Reference> references, List<String> missing, int depth) {
        Map<String, ParsedSchema> out = new java.util.LinkedHashMap<>();
        for (Reference r : references) {
            Version v = versionsOf(r.subject()).get(r.version());
            ParsedSchema schema = v == null || depth > REFERENCE_DEPTH_MAX ? null : parsed(v.id(), depth + 1).orElse(null);
            if (schema == null) {
                missing.add("the reference " + r.name() + " names version " + r.version() + " of subject " + r.subject()
                        + (v == null ? ", which does not exist" : ", which does not parse"));
            } else {
                out.put(r.name(), schema);
            }
        }
        return out;
    }

    /** The ids whose schemas reference version {@code version} of {@code subject}, in order (Confluent's referencedby). */
    public List<Integer> referencedBy(String subject, int version) {
        return new TreeMap<>(ids).values().stream().filter(e -> e.references().stream()
                .anyMatch(r -> r.subject().equals(subject) && r.version() == version)).map(IdEntry::id).toList();
    }

    /** The parsed schema of an id (for compatibility checks and payload validation); empty if unknown. */
    public Optional<ParsedSchema> parsed(int id) {
        return parsed(id, 0);
    }

    private Optional<ParsedSchema> parsed(int id, int depth) {
        IdEntry entry = ids.get(id);
        if (entry == null || !entry.type().supported()) {
            return Optional.empty();
        }
        ParsedSchema schema = parsed.get(id);
        if (schema == null) {
            try {
                List<String> missing = new ArrayList<>();
                Map<String, ParsedSchema> references = referenced(entry.references(), missing, depth);
                if (!missing.isEmpty()) {
                    return Optional.empty();
                }
                schema = Schemas.parse(entry.type(), entry.schema(), false, references);
            } catch (InvalidSchemaException e) {
                return Optional.empty();
            }
            parsed.put(id, schema);
        }
        return Optional.of(schema);
    }

    /**
     * Whether {@code id} is the id of a version of {@code subject} (soft-deleted ones included, as Confluent
     * Server's {@code confluent.value.schema.validation} accepts an id the subject has had).
     */
    public boolean registeredUnder(int id, String subject) {
        IdEntry entry = ids.get(id);
        return entry != null && entry.usages().stream().anyMatch(u -> u.startsWith(subject + "\u0000"));
    }

    public int nextId() {
        return maxId + 1;
    }

    public Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    public CompatibilityLevel globalLevel() {
        return globalLevel == null ? DEFAULT_LEVEL : globalLevel;
    }

    public CompatibilityLevel levelFor(String subject) {
        return subjectLevel(subject).orElse(globalLevel());
    }

    public Optional<Mode> subjectMode(String subject) {
        return Optional.ofNullable(subjectModes.get(subject));
    }

    public Mode globalMode() {
        return globalMode == null ? Mode.READWRITE : globalMode;
    }

    public Mode modeFor(String subject) {
        return subjectMode(subject).orElse(globalMode());
    }

    public long recordsIgnored() {
        return recordsIgnored;
    }

    /**
     * SHA-256 of everything a client can observe: subjects, versions (id, type, text, deleted), the schema of
     * every id, configs and the next id. Two states with one digest answer every request alike.
     */
    public String digest() {
        StringBuilder dump = new StringBuilder();
        subjects.forEach((name, versions) -> versions.values().forEach(v -> dump.append("V ").append(v).append('\n')));
        new TreeMap<>(ids).forEach((id, entry) -> dump.append("I ").append(entry).append('\n'));
        subjectLevels.forEach((s, level) -> dump.append("C ").append(s).append(' ').append(level).append('\n'));
        subjectModes.forEach((s, mode) -> dump.append("M ").append(s).append(' ').append(mode).append('\n'));
        dump.append("GM ").append(globalMode).append('\n');
        dump.append("G ").append(globalLevel).append("\nN ").append(nextId()).append('\n');
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(dump.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }

    private boolean invariantsHold() {
        for (var versions : subjects.values()) {
            assert !versions.isEmpty() : "a subject without versions is removed";
            for (Version v : versions.values()) {
                assert ids.containsKey(v.id()) : "every version's id resolves: " + v;
                assert v.id() <= maxId : "the highest id covers every id";
            }
        }
        return true;
    }
}

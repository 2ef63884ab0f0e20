package io.ledgerline.registry;

import io.ledgerline.schema.state.RegistryState;
import io.ledgerline.schema.state.RegistryState.Version;
import io.ledgerline.schema.state.SchemasRecord;
import io.ledgerline.registry.store.RecordLog;
import io.ledgerline.registry.store.StoreException;
import io.ledgerline.schema.Compatibility;
import io.ledgerline.schema.CompatibilityLevel;
import io.ledgerline.schema.InvalidSchemaException;
import io.ledgerline.schema.ParsedSchema;
import io.ledgerline.schema.Reference;
import io.ledgerline.schema.SchemaType;
import io.ledgerline.schema.Schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The registry's operations, with Confluent's semantics and errors. Each write follows one shape: under the
 * write lock, catch up with the log, decide from the state which records the request yields (or refuse it),
 * append them, and answer from the state once they have been replayed. The state itself changes only in
 * {@link #replay}, called by the log's reader; so what a client is told is what a restart will rebuild.
 *
 * <p>Locks: {@code writeLock} serializes writers (one decision at a time, so two registrations cannot take
 * one id); {@code state} guards the state between the reader thread and request threads. A writer waits for
 * its replay holding {@code writeLock} but not {@code state}.
 */
public final class Registry implements AutoCloseable {
    private final RecordLog log;
    private final RegistryState state = new RegistryState();
    private final ReentrantLock writeLock = new ReentrantLock();

    private Registry(RecordLog log) {
        this.log = log;
    }

    /** Replays the whole log, then serves. */
    public static Registry start(RecordLog log) throws StoreException {
        Registry registry = new Registry(log);
        log.start(registry::replay);
        return registry;
    }

    private void replay(SchemasRecord record) {
        synchronized (state) {
            state.replay(record);
        }
    }

    private <T> T read(Function<RegistryState, T> query) {
        synchronized (state) {
            return query.apply(state);
        }
    }

    /** The state digest (see {@link RegistryState#digest()}). */
    public String digest() {
        return read(RegistryState::digest);
    }

    /** The parsed schema of an id, for payload validation; empty if the id is unknown. */
    public Optional<ParsedSchema> schemaById(int id) {
        return read(s -> s.parsed(id));
    }

    // ---- results ----

    public record SubjectVersion(String subject, int version, int id, SchemaType type, String schema,
                                 List<Reference> references) {
        static SubjectVersion of(Version v) {
            return new SubjectVersion(v.subject(), v.version(), v.id(), v.type(), v.schema(), v.references());
        }
    }

    public record IdSchema(int id, SchemaType type, String schema, List<Reference> references) {
    }

    public record CompatibilityResult(boolean compatible, List<String> messages) {
    }

    // ---- schemas ----

    /** Parses a request's schema with the schemas its references name; 42201 if one names no version. */
    ParsedSchema parse(String type, String text, boolean normalize, List<Reference> references) throws RegistryException {
        SchemaType schemaType = SchemaType.named(type)
                .orElseThrow(() -> RegistryException.invalidSchema("Invalid schema type " + type));
        List<String> missing = new ArrayList<>();
        Map<String, ParsedSchema> referenced = read(s -> s.referenced(references, missing));
        if (!missing.isEmpty()) {
            throw RegistryException.invalidSchema("Invalid schema: " + String.join("; ", missing));
        }
        try {
            return Schemas.parse(schemaType, text, normalize, referenced);
        } catch (InvalidSchemaException e) {
            throw RegistryException.invalidSchema(e.getMessage());
        }
    }

    /**
     * Registers a schema under a subject: the existing version's id if the subject already has this schema
     * live, else a new version (the id of this schema in another subject, or a new id) after the
     * compatibility check against the subject's live versions.
     */
    public int register(String subject, String type, String text, boolean normalize) throws RegistryException, StoreException {
        return register(subject, type, text, normalize, null, null, List.of());
    }

    /** Registers, as below, without references. */
    public int register(String subject, String type, String text, boolean normalize, Integer importId,
                        Integer importVersion) throws RegistryException, StoreException {
        return register(subject, type, text, normalize, importId, importVersion, List.of());
    }

    /**
     * Registers, as above; with {@code importId} (and optionally {@code importVersion}) in IMPORT mode the
     * schema keeps the id (and version) it had in the registry it comes from, without a compatibility check.
     */
    public int register(String subject, String type, String text, boolean normalize, Integer importId,
                        Integer importVersion, List<Reference> references) throws RegistryException, StoreException {
        ParsedSchema schema = parse(type, text, normalize, references);
        writeLock.lock();
        try {
            log.catchUp();
            SchemasRecord.SchemaVersion record;
            synchronized (state) {
                List<Version> live = state.versions(subject, false);
                for (Version v : live) {
                    if (v.type() == schema.type() && sameSchema(v.id(), schema, references)
                            && (importId == null || importId == v.id())) {
                        return v.id();
                    }
                }
                RegistryState.Mode mode = state.modeFor(subject);
                if (mode == RegistryState.Mode.READONLY) {
                    throw RegistryException.readOnly(subject);
                }
                if (importId != null && mode != RegistryState.Mode.IMPORT) {
                    throw RegistryException.notPermitted("Subject " + subject + " in context  is not in import mode");
                }
                if (importId == null && mode != RegistryState.Mode.READWRITE) {
                    throw RegistryException.notPermitted("Subject " + subject + " in context  is not in read-write mode");
                }
                var all = state.versionsOf(subject);
                int version = all.isEmpty() ? 1 : all.lastKey() + 1;
                int id;
                if (importId != null) {
                    id = importedId(schema, references, importId);
                    if (importVersion != null) {
                        if (importVersion < 1 || all.containsKey(importVersion)) {
                            throw RegistryException.notPermitted("version " + importVersion + " of subject " + subject
                                    + " cannot be imported: it is not a free version number");
                        }
                        version = importVersion;
                    }
                } else {
                    List<String> messages = Compatibility.check(state.levelFor(subject), schema, parsedAll(live));
                    if (!messages.isEmpty()) {
                        throw new RegistryException(409, RegistryException.INCOMPATIBLE_SCHEMA, "Schema being registered is"
                                + " incompatible with an earlier schema for subject \"" + subject + "\", details: " + messages);
                    }
                    id = state.idOf(schema.type(), schema.canonical(), references).orElse(state.nextId());
                }
                record = new SchemasRecord.SchemaVersion(subject, version, id, schema.type(), schema.canonical(), false,
                        references);
            }
            log.append(List.of(record));
            synchronized (state) {
                Version written = state.versionsOf(subject).get(record.version());
                assert written != null && written.id() == record.id() : "a replayed write is in the state: " + record;
                return written.id();
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** An imported id must be free or already name this schema; the schema must not have another id. */
    private int importedId(ParsedSchema schema, List<Reference> references, int importId) throws RegistryException {
        if (importId < 1) {
            throw new RegistryException(422, RegistryException.ID_DOES_NOT_MATCH, "an imported id must be 1 or more, not "
                    + importId);
        }
        Optional<Integer> known = state.idOf(schema.type(), schema.canonical(), references);
        if (known.isPresent() && known.get() != importId) {
            throw new RegistryException(422, RegistryException.ID_DOES_NOT_MATCH, "Schema already registered with id "
                    + known.get() + " instead of input id " + importId);
        }
        if (known.isEmpty() && state.id(importId).isPresent()) {
            throw new RegistryException(422, RegistryException.ID_DOES_NOT_MATCH, "Overwrite new schema with id "
                    + importId + " is not permitted.");
        }
        return importId;
    }

    /** Whether the schema of {@code id} is {@code schema}, comparing canonical texts (the stored text may be foreign). */
    private boolean sameSchema(int id, ParsedSchema schema, List<Reference> references) {
        return state.idOf(schema.type(), schema.canonical(), references).map(known -> known == id).orElse(false);
    }

    private List<ParsedSchema> parsedAll(List<Version> versions) throws RegistryException {
        List<ParsedSchema> out = new ArrayList<>();
        for (Version v : versions) {
            out.add(state.parsed(v.id()).orElseThrow(() -> new RegistryException(422, RegistryException.INVALID_SCHEMA,
                    "version " + v.version() + " of subject " + v.subject() + " is a " + v.type()
                            + " schema, which this registry cannot check yet")));
        }
        return out;
    }

    /** The live (or, with {@code deleted}, any) version of {@code subject} holding this schema. */
    public SubjectVersion lookup(String subject, String type, String text, boolean normalize, boolean deleted)
            throws RegistryException {
        return lookup(subject, type, text, normalize, deleted, List.of());
    }

    /** The version holding this schema with these references. */
    public SubjectVersion lookup(String subject, String type, String text, boolean normalize, boolean deleted,
                                 List<Reference> references) throws RegistryException {
        ParsedSchema schema = parse(type, text, normalize, references);
        synchronized (state) {
            List<Version> versions = state.versions(subject, deleted);
            if (versions.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            for (Version v : versions) {
                if (v.type() == schema.type() && sameSchema(v.id(), schema, references)) {
                    return SubjectVersion.of(v);
                }
            }
            throw RegistryException.schemaNotFound();
        }
    }

    // ---- subjects and versions ----

    public List<String> subjects(String prefix, boolean deleted) {
        return read(s -> s.subjects(deleted).stream().filter(n -> prefix == null || n.startsWith(prefix)).toList());
    }

    public List<Integer> versions(String subject, boolean deleted) throws RegistryException {
        List<Integer> out = read(s -> s.versions(subject, deleted).stream().map(Version::version).toList());
        if (out.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return out;
    }

    /** Only the soft-deleted versions ({@code deletedOnly=true}); 40401 if the subject has no versions at all. */
    public List<Integer> deletedVersions(String subject) throws RegistryException {
        versions(subject, true);
        return read(s -> s.versions(subject, true).stream().filter(Version::deleted).map(Version::version).toList());
    }

    /** Subjects whose versions are all soft-deleted ({@code deletedOnly=true}). */
    public List<String> deletedSubjects(String prefix) {
        return read(s -> {
            List<String> live = s.subjects(false);
            return s.subjects(true).stream().filter(n -> !live.contains(n))
                    .filter(n -> prefix == null || n.startsWith(prefix)).toList();
        });
    }

    /**
     * Parses a version path parameter: {@code latest} or {@code -1} (the latest), or 1..2^31-1; returns -1 for
     * latest.
     */
    public static int parseVersion(String version) throws RegistryException {
        if (version.equals("latest")) {
            return -1;
        }
        try {
            int v = Integer.parseInt(version);
            if (v == -1 || v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw RegistryException.invalidVersion(version);
    }

    public SubjectVersion version(String subject, String version, boolean deleted) throws RegistryException {
        int v = parseVersion(version);
        synchronized (state) {
            return SubjectVersion.of(find(subject, v, deleted));
        }
    }

    private Version find(String subject, int version, boolean deleted) throws RegistryException {
        List<Version> versions = state.versions(subject, deleted);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        if (version == -1) {
            return versions.get(versions.size() - 1);
        }
        Version found = state.versionsOf(subject).get(version);
        if (found == null || (found.deleted() && !deleted)) {
            throw RegistryException.versionNotFound(version);
        }
        return found;
    }

    /**
     * The ids of the schemas that reference version {@code version} of {@code subject} (Confluent's
     * {@code referencedby}); 40401, 40402, 42202 as for reading the version.
     */
    public List<Integer> referencedBy(String subject, String version, boolean deleted) throws RegistryException {
        SubjectVersion v = version(subject, version, deleted);
        return read(s -> s.referencedBy(v.subject(), v.version()));
    }

    /** Soft-deletes a version, or with {@code permanent} removes a soft-deleted one; returns its number. */
    public int deleteVersion(String subject, String version, boolean permanent) throws RegistryException, StoreException {
        int v = parseVersion(version);
        writeLock.lock();
        try {
            log.catchUp();
            SchemasRecord record;
            Version target;
            synchronized (state) {
                // Confluent's order: not found and already soft-deleted first, then the mode, then the rest.
                // "latest" is the latest live version for a soft delete, the latest of all for a permanent one.
                target = find(subject, v, v != -1 || permanent);
                if (target.deleted() && !permanent) {
                    throw new RegistryException(404, RegistryException.VERSION_SOFT_DELETED, "Subject '" + subject
                            + "' Version " + v + " was soft deleted.Set permanent=true to delete permanently");
                }
                if (state.modeFor(subject) == RegistryState.Mode.READONLY) {
                    throw RegistryException.readOnly(subject);
                }
                List<Integer> referencing = state.referencedBy(subject, target.version());
                if (!referencing.isEmpty()) {
                    // Confluent: a version other schemas reference cannot be deleted, soft or hard.
                    throw new RegistryException(422, RegistryException.REFERENCE_EXISTS, "One or more references exist"
                            + " to the schema {subject=" + subject + ",version=" + target.version() + "}.");
                }
                if (permanent && !target.deleted()) {
                    throw new RegistryException(404, RegistryException.VERSION_NOT_SOFT_DELETED, "Subject '" + subject
                            + "' Version " + target.version() + " was not deleted first before being permanently deleted");
                }
                record = permanent ? new SchemasRecord.SchemaTombstone(subject, target.version())
                        : new SchemasRecord.SchemaVersion(subject, target.version(), target.id(), target.type(),
                        target.schema(), true, target.references());
            }
            List<SchemasRecord> records = new ArrayList<>(List.of(record));
            if (permanent && read(s -> s.versionsOf(subject).size()) == 1) {
                configRemoval(subject, records);
            }
            log.append(records);
            return target.version();
        } finally {
            writeLock.unlock();
        }
    }

    /** A permanent delete of a subject's last version also removes its config and mode, as on Confluent. */
    private void configRemoval(String subject, List<SchemasRecord> records) {
        if (read(s -> s.subjectLevel(subject)).isPresent()) {
            records.add(new SchemasRecord.Config(subject, null));
        }
        if (read(s -> s.subjectMode(subject)).isPresent()) {
            records.add(new SchemasRecord.Mode(subject, null));
        }
    }

    /** Soft-deletes every live version of a subject, or with {@code permanent} removes the soft-deleted ones. */
    public List<Integer> deleteSubject(String subject, boolean permanent) throws RegistryException, StoreException {
        writeLock.lock();
        try {
            log.catchUp();
            List<SchemasRecord> records = new ArrayList<>();
            List<Integer> deleted = new ArrayList<>();
            synchronized (state) {
                List<Version> all = state.versions(subject, true);
                if (all.isEmpty()) {
                    throw RegistryException.subjectNotFound(subject);
                }
                List<Version> live = state.versions(subject, false);
                if (!permanent && live.isEmpty()) {
                    throw new RegistryException(404, RegistryException.SUBJECT_SOFT_DELETED, "Subject '" + subject
                            + "' was soft deleted.Set permanent=true to delete permanently");
                }
                // Confluent's order: not found and already soft-deleted first, then the mode, then the rest.
                if (state.modeFor(subject) == RegistryState.Mode.READONLY) {
                    throw RegistryException.readOnly(subject);
                }
                for (Version v : all) {
                    if (!state.referencedBy(subject, v.version()).isEmpty()) {
                        throw new RegistryException(422, RegistryException.REFERENCE_EXISTS, "One or more references"
                                + " exist to the schema {subject=" + subject + ",version=" + v.version() + "}.");
                    }
                }
                if (!permanent) {
                    live.forEach(v -> deleted.add(v.version()));
                    records.add(new SchemasRecord.DeleteSubject(subject, live.get(live.size() - 1).version()));
                } else {
                    if (!live.isEmpty()) {
                        throw new RegistryException(404, RegistryException.SUBJECT_NOT_SOFT_DELETED, "Subject '"
                                + subject + "' was not deleted first before being permanently deleted");
                    }
                    all.forEach(v -> deleted.add(v.version()));
                    for (int i = all.size() - 1; i >= 0; i--) {
                        records.add(new SchemasRecord.SchemaTombstone(subject, all.get(i).version()));
                    }
                }
            }
            if (permanent) {
                configRemoval(subject, records);
            }
            log.append(records);
            return deleted;
        } finally {
            writeLock.unlock();
        }
    }

    // ---- ids ----

    public IdSchema schema(int id) throws RegistryException {
        return read(s -> s.id(id)).map(e -> new IdSchema(e.id(), e.type(), e.schema(), e.references()))
                .orElseThrow(() -> RegistryException.schemaNotFound(id));
    }

    /** The subject-versions using an id; soft-deleted ones only with {@code deleted}. */
    public List<SubjectVersion> usages(int id, boolean deleted) throws RegistryException {
        synchronized (state) {
            var entry = state.id(id).orElseThrow(() -> RegistryException.schemaNotFound(id));
            List<SubjectVersion> out = new ArrayList<>();
            for (String usage : entry.usages()) {
                int sep = usage.indexOf('\u0000');
                Version v = state.versionsOf(usage.substring(0, sep)).get(Integer.parseInt(usage.substring(sep + 1)));
                if (deleted || !v.deleted()) {
                    out.add(SubjectVersion.of(v));
                }
            }
            return out;
        }
    }

    // ---- compatibility ----

    public CompatibilityLevel globalLevel() {
        return read(RegistryState::globalLevel);
    }

    /** The subject's own level; with {@code defaultToGlobal} the global one when it has none. */
    public CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) throws RegistryException {
        Optional<CompatibilityLevel> own = read(s -> s.subjectLevel(subject));
        if (own.isPresent()) {
            return own.get();
        }
        if (defaultToGlobal) {
            return globalLevel();
        }
        throw new RegistryException(404, RegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED, "Subject '" + subject
                + "' does not have subject-level compatibility configured");
    }

    /** Sets the global level ({@code subject} null) or a subject's. */
    public CompatibilityLevel setLevel(String subject, String level) throws RegistryException, StoreException {
        CompatibilityLevel parsed = CompatibilityLevel.named(level).orElseThrow(RegistryException::invalidCompatibility);
        writeLock.lock();
        try {
            log.append(List.of(new SchemasRecord.Config(subject, parsed.name())));
            return parsed;
        } finally {
            writeLock.unlock();
        }
    }

    /** Removes the global level (back to the default) or a subject's; returns the level it had. */
    public CompatibilityLevel deleteLevel(String subject) throws RegistryException, StoreException {
        writeLock.lock();
        try {
            log.catchUp();
            CompatibilityLevel previous;
            if (subject == null) {
                previous = globalLevel();
            } else {
                if (read(s -> s.versions(subject, false)).isEmpty()) {
                    throw RegistryException.subjectNotFound(subject);
                }
                previous = subjectLevel(subject, true);
            }
            log.append(List.of(new SchemasRecord.Config(subject, null)));
            return previous;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Whether {@code text} could be registered as a new version after {@code version}: checked against that
     * version, or for transitive levels against it and every live version before it. For {@code latest} of a
     * subject without versions, compatible (nothing to break), as Confluent answers.
     */
    public CompatibilityResult checkCompatibility(String subject, String version, String type, String text,
                                                  boolean normalize) throws RegistryException {
        return checkCompatibility(subject, version, type, text, normalize, List.of());
    }

    /** The compatibility check, as above, of a schema with references. */
    public CompatibilityResult checkCompatibility(String subject, String version, String type, String text,
                                                  boolean normalize, List<Reference> references) throws RegistryException {
        int v = parseVersion(version);
        ParsedSchema schema = parse(type, text, normalize, references);
        synchronized (state) {
            List<Version> live = state.versions(subject, false);
            if (live.isEmpty() && v == -1) {
                return new CompatibilityResult(true, List.of());
            }
            Version target = find(subject, v, false);
            List<Version> upTo = live.stream().filter(x -> x.version() <= target.version()).toList();
            List<String> messages = Compatibility.check(state.levelFor(subject), schema, parsedAll(upTo));
            return new CompatibilityResult(messages.isEmpty(), messages);
        }
    }

    // ---- modes ----

    /** The mode of a subject ({@code subject} null: the global one); 40409 if it has none of its own. */
    public RegistryState.Mode mode(String subject, boolean defaultToGlobal) throws RegistryException {
        if (subject == null) {
            return read(RegistryState::globalMode);
        }
        Optional<RegistryState.Mode> own = read(s -> s.subjectMode(subject));
        if (own.isPresent()) {
            return own.get();
        }
        if (defaultToGlobal) {
            return read(RegistryState::globalMode);
        }
        throw new RegistryException(404, RegistryException.SUBJECT_MODE_NOT_CONFIGURED, "Subject '" + subject
                + "' does not have subject-level mode configured");
    }

    /**
     * Sets a mode. IMPORT is refused while live subjects exist in its scope (the subject, or any for the
     * global mode), unless {@code force}: imported ids must not meet ids given here.
     */
    public RegistryState.Mode setMode(String subject, String mode, boolean force) throws RegistryException, StoreException {
        RegistryState.Mode parsed;
        try {
            parsed = RegistryState.Mode.valueOf(mode == null ? "" : mode.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(422, RegistryException.INVALID_MODE,
                    "Invalid mode. Valid values are READWRITE, READONLY and IMPORT.");
        }
        writeLock.lock();
        try {
            log.catchUp();
            synchronized (state) {
                boolean occupied = subject == null ? !state.subjects(false).isEmpty()
                        : !state.versions(subject, false).isEmpty();
                RegistryState.Mode current = subject == null ? state.globalMode() : state.modeFor(subject);
                if (parsed == RegistryState.Mode.IMPORT && current != RegistryState.Mode.IMPORT
                        && !force && occupied) {
                    throw RegistryException.notPermitted("Cannot import since found existing subjects");
                }
            }
            log.append(List.of(new SchemasRecord.Mode(subject, parsed.name())));
            return parsed;
        } finally {
            writeLock.unlock();
        }
    }

    /** Removes a subject's mode; returns the one it had. */
    public RegistryState.Mode deleteMode(String subject) throws RegistryException, StoreException {
        writeLock.lock();
        try {
            log.catchUp();
            RegistryState.Mode previous = mode(subject, true);
            log.append(List.of(new SchemasRecord.Mode(subject, null)));
            return previous;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        log.close();
    }
}

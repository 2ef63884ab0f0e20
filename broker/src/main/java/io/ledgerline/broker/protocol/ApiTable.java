package io.ledgerline.broker.protocol;

import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The dispatch table: the one list of API keys Ledgerline answers, each with its handler, the version
 * range it advertises and whether it blocks (a blocking handler runs off the network threads: the pipeline's
 * OffloadStage). ApiVersions is generated from this table, so the broker advertises exactly what it
 * implements. Versions default to kafka-clients' stable range ({@code latestVersion(false)}: unstable
 * versions are never advertised). Filled once at start ({@code io.ledgerline.broker.Apis}), before the pipeline
 * is built over it; read-only from then on, by any thread.
 */
public final class ApiTable {

    /**
     * A handler, the versions advertised for it, and whether it blocks: it waits on the disk (a durable metadata
     * write, creating or deleting files), so it must never run on a network thread, which serves many connections.
     */
    public record Entry(ApiKeys key, ApiHandler handler, short minVersion, short maxVersion, boolean blocking) {

        /** True when {@code version} is both advertised and parseable. */
        public boolean supports(short version) {
            return version >= Math.max(minVersion, key.oldestVersion()) && version <= maxVersion;
        }
    }

    private final Map<ApiKeys, Entry> entries = new EnumMap<>(ApiKeys.class);

    public ApiTable register(ApiKeys key, ApiHandler handler) {
        return register(key, handler, key.oldestVersion(), key.latestVersion(false));
    }

    public ApiTable register(ApiKeys key, ApiHandler handler, short min, short max) {
        return register(key, handler, min, max, false);
    }

    /** Registers a handler that blocks (see {@link Entry}): the pipeline runs it on the admin executor. */
    public ApiTable registerBlocking(ApiKeys key, ApiHandler handler) {
        return register(key, handler, key.oldestVersion(), key.latestVersion(false), true);
    }

    public ApiTable register(ApiKeys key, ApiHandler handler, short min, short max, boolean blocking) {
        if (entries.containsKey(key)) throw new IllegalStateException(key + " registered twice");
        if (max > key.latestVersion(true)) throw new IllegalArgumentException(key + " max " + max + " is beyond kafka-clients");
        entries.put(key, new Entry(key, handler, min, max, blocking));
        return this;
    }

    public Entry get(ApiKeys key) {
        return entries.get(key);
    }

    public Map<ApiKeys, Entry> entries() {
        return Collections.unmodifiableMap(entries);
    }

    /** True when {@code version} of {@code key} is both advertised and parseable. */
    public boolean supports(ApiKeys key, short version) {
        Entry e = entries.get(key);
        return e != null && e.supports(version);
    }

    public ApiVersionCollection apiVersions() {
        ApiVersionCollection c = new ApiVersionCollection();
        for (Entry e : entries.values()) {
            c.add(new ApiVersion().setApiKey(e.key.id).setMinVersion(e.minVersion).setMaxVersion(e.maxVersion));
        }
        return c;
    }
}

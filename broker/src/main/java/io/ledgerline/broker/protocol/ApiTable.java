package io.ledgerline.broker.protocol;

import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The dispatch table: the one list of API keys Ledgerline answers, each with its handler and the version
 * range it advertises. ApiVersions is generated from this table, so the broker advertises exactly what it
 * implements. Versions default to kafka-clients' stable range ({@code latestVersion(false)}: unstable
 * versions are never advertised).
 */
public final class ApiTable {

    /** A handler and the versions advertised for it. */
    public record Entry(ApiKeys key, ApiHandler handler, short minVersion, short maxVersion) {}

    private final Map<ApiKeys, Entry> entries = new EnumMap<>(ApiKeys.class);

    public ApiTable register(ApiKeys key, ApiHandler handler) {
        return register(key, handler, key.oldestVersion(), key.latestVersion(false));
    }

    public ApiTable register(ApiKeys key, ApiHandler handler, short min, short max) {
        if (entries.containsKey(key)) throw new IllegalStateException(key + " registered twice");
        if (max > key.latestVersion(true)) throw new IllegalArgumentException(key + " max " + max + " is beyond kafka-clients");
        entries.put(key, new Entry(key, handler, min, max));
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
        return e != null && version >= Math.max(e.minVersion, key.oldestVersion()) && version <= e.maxVersion;
    }

    public ApiVersionCollection apiVersions() {
        ApiVersionCollection c = new ApiVersionCollection();
        for (Entry e : entries.values()) {
            c.add(new ApiVersion().setApiKey(e.key.id).setMinVersion(e.minVersion).setMaxVersion(e.maxVersion));
        }
        return c;
    }
}

package io.ledgerline.broker.fetch;

import io.ledgerline.broker.fetch.FetchSession.CachedPartition;
import io.ledgerline.broker.fetch.FetchSession.Key;
import io.ledgerline.broker.fetch.FetchSession.Wanted;
import io.ledgerline.log.Limits;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The broker's incremental fetch sessions (KIP-227), shared by every connection, with Kafka 4.3's rules
 * ({@code FetchManager}, {@code FetchSessionCacheShard}) so that a client sees the same answers from both brokers:
 *
 * <ul>
 *   <li>A full fetch (epoch 0) closes the session it names, if any, and creates a new one when the cache admits it;
 *       its response carries the new id, or 0. Epoch -1 (FINAL_EPOCH, also what Fetch v4-v6 mean) closes the named
 *       session and creates none. Any other epoch is incremental: an unknown id is FETCH_SESSION_ID_NOT_FOUND, a
 *       known id with another epoch than expected is INVALID_FETCH_SESSION_EPOCH, a session created at v13+ (topic
 *       ids) used below v13 or the other way round is FETCH_SESSION_TOPIC_ID_ERROR; each with no partitions and
 *       session id 0. An incremental request that leaves its session empty closes it and is answered sessionless.</li>
 *   <li>The cache is {@value io.ledgerline.log.Limits#FETCH_SESSION_SHARDS} shards, as Kafka's: each holds {@code slots / Limits.FETCH_SESSION_SHARDS} sessions (so fewer than
 *       {@value io.ledgerline.log.Limits#FETCH_SESSION_SHARDS} slots means no sessions at all, in Kafka too), owns a range of session ids, and new sessions
 *       go to the shards in turn.</li>
 *   <li>A full shard admits a new session by evicting one: first the least recently used, if unused for longer than
 *       {@code evictionMs}; otherwise the one with the fewest partitions, among those created more than
 *       {@code evictionMs} ago (and touched since), if the new one has more partitions. Else no session.</li>
 * </ul>
 *
 * <p>Lock rule: a shard's monitor guards its maps and counts; a session's monitor guards the session. A thread may
 * take a session's monitor while holding its shard's, never a shard's while holding a session's (the shard reads a
 * session's size and last-used time to index it). Shards never lock one another. The network threads (Netty event
 * loops) and the delayed-fetch timer call in concurrently; nothing here blocks on I/O.
 */
public final class FetchSessionCache {

    private final Shard[] shards;
    private final int idRange;
    private final AtomicInteger nextShard = new AtomicInteger();
    private final LongAdder evictions = new LongAdder();
    private final LongSupplier clockMs;

    /**
     * @param slots      max.incremental.fetch.session.cache.slots: sessions over all shards (each gets slots / shards)
     * @param evictionMs how long a session is protected from eviction by a larger one after its creation, and how
     *                   long unused before any new session may evict it (Kafka: 120 s, a constant there)
     * @param shardCount {@link #Limits.FETCH_SESSION_SHARDS} in the broker; 1 in tests of the eviction order
     */
    public FetchSessionCache(int slots, long evictionMs, int shardCount, LongSupplier clockMs) {
        if (slots < 0 || evictionMs < 0 || shardCount < 1) throw new IllegalArgumentException("slots, evictionMs >= 0, shards >= 1");
        this.clockMs = clockMs;
        this.idRange = Integer.MAX_VALUE / shardCount;
        this.shards = new Shard[shardCount];
        for (int i = 0; i < shardCount; i++) shards[i] = new Shard(i, slots / shardCount, evictionMs);
    }

    /** Sessions in the cache (Kafka's NumIncrementalFetchSessions). */
    public int sessions() {
        int n = 0;
        for (Shard s : shards) n += s.size();
        return n;
    }

    /** Partitions held by all sessions (Kafka's NumIncrementalFetchPartitionsCached). */
    public long partitionsCached() {
        long n = 0;
        for (Shard s : shards) n += s.partitions();
        return n;
    }

    /** Sessions evicted to admit another since start (Kafka's IncrementalFetchSessionEvictionsPerSec counts these). */
    public long evictions() {
        return evictions.sum();
    }

    /** The shard owning {@code sessionId}, or null for an id no shard hands out (0, negative, past the last range). */
    Shard shardOf(int sessionId) {
        if (sessionId <= 0) return null;
        int i = sessionId / idRange;
        return i < shards.length ? shards[i] : null;
    }

    /**
     * Decides what a Fetch request is: sessionless, full (may create a session), incremental (updates its session)
     * or a session error. {@code named} are the request's partitions, in request order, with duplicates already
     * merged; {@code names} gives an id's topic name, or null.
     */
    FetchContext newContext(short version, int sessionId, int epoch, Collection<Wanted> named, Collection<Key> toForget,
                            Function<Uuid, String> names) {
        boolean byId = version >= 13;
        if (epoch == FetchMetadata.INITIAL_EPOCH || epoch == FetchMetadata.FINAL_EPOCH) {
            Shard owner = shardOf(sessionId);
            if (owner != null) owner.remove(sessionId); // a full request closes the session it names
            List<Wanted> toRead = List.copyOf(named);
            return epoch == FetchMetadata.FINAL_EPOCH ? new FetchContext.Sessionless(toRead) : new FetchContext.Full(this, toRead, byId);
        }
        Shard shard = shardOf(sessionId);
        if (shard == null) return new FetchContext.SessionError(Errors.FETCH_SESSION_ID_NOT_FOUND);
        synchronized (shard) {
            FetchSession session = shard.get(sessionId);
            if (session == null) return new FetchContext.SessionError(Errors.FETCH_SESSION_ID_NOT_FOUND);
            synchronized (session) {
                if (session.epoch() != epoch) return new FetchContext.SessionError(Errors.INVALID_FETCH_SESSION_EPOCH);
                if (session.usesTopicIds != byId) return new FetchContext.SessionError(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
                session.update(named, toForget);
                if (session.size() == 0) {
                    shard.remove(session);
                    return new FetchContext.Sessionless(List.copyOf(named));
                }
                shard.touch(session, clockMs.getAsLong());
                session.setEpoch(FetchMetadata.nextEpoch(session.epoch()));
                return new FetchContext.Incremental(session, epoch, session.toRead(names));
            }
        }
    }

    /** Creates a session for a full fetch's response if a shard admits it: its id, or 0. */
    int maybeCreate(int size, boolean byId, Supplier<LinkedHashMap<Key, CachedPartition>> partitions) {
        Shard shard = shards[Math.floorMod(nextShard.getAndIncrement(), shards.length)];
        return shard.maybeCreate(clockMs.getAsLong(), size, byId, partitions);
    }

    /** Session lookup for tests. */
    FetchSession get(int sessionId) {
        Shard s = shardOf(sessionId);
        return s == null ? null : s.get(sessionId);
    }

    private record LastUsedKey(long lastUsedMs, int id) implements Comparable<LastUsedKey> {
        @Override
        public int compareTo(LastUsedKey o) {
            return lastUsedMs != o.lastUsedMs ? Long.compare(lastUsedMs, o.lastUsedMs) : Integer.compare(id, o.id);
        }
    }

    /** Eviction order: fewest partitions first, then lowest id (a new session's key has id 0, so a tie never evicts). */
    private record EvictableKey(int size, int id) implements Comparable<EvictableKey> {
        @Override
        public int compareTo(EvictableKey o) {
            return size != o.size ? Integer.compare(size, o.size) : Integer.compare(id, o.id);
        }
    }

    /** One shard: its sessions, indexed by id, by last use and by eviction order. All guarded by this. */
    final class Shard {
        private final int num;
        private final int maxEntries;
        private final long evictionMs;
        private final Map<Integer, FetchSession> sessions = new HashMap<>();
        private final TreeMap<LastUsedKey, FetchSession> lastUsed = new TreeMap<>();
        /** Sessions created more than evictionMs before they were last touched: a larger new session may evict them. */
        private final TreeMap<EvictableKey, FetchSession> evictable = new TreeMap<>();
        private long partitions;

        Shard(int num, int maxEntries, long evictionMs) {
            this.num = num;
            this.maxEntries = maxEntries;
            this.evictionMs = evictionMs;
        }

        synchronized FetchSession get(int id) {
            return sessions.get(id);
        }

        synchronized int size() {
            return sessions.size();
        }

        synchronized long partitions() {
            return partitions;
        }

        synchronized int maybeCreate(long now, int size, boolean byId, Supplier<LinkedHashMap<Key, CachedPartition>> parts) {
            if (sessions.size() >= maxEntries && !tryEvict(new EvictableKey(size, 0), now)) return FetchMetadata.INVALID_SESSION_ID;
            FetchSession s = new FetchSession(newId(), byId, now, FetchMetadata.nextEpoch(FetchMetadata.INITIAL_EPOCH), parts.get());
            sessions.put(s.id, s);
            touch(s, now);
            assert sessions.size() <= maxEntries : "shard " + num + " over its " + maxEntries + " slots";
            return s.id;
        }

        private int newId() {
            int low = Math.max(1, num * idRange), high = (num + 1) * idRange;
            int id;
            do {
                id = ThreadLocalRandom.current().nextInt(low, high);
            } while (sessions.containsKey(id));
            assert shardOf(id) == this : "session id " + id + " outside shard " + num;
            return id;
        }

        private boolean tryEvict(EvictableKey candidate, long now) {
            Map.Entry<LastUsedKey, FetchSession> oldest = lastUsed.firstEntry();
            if (oldest == null) return false;
            if (now - oldest.getKey().lastUsedMs() > evictionMs) {
                remove(oldest.getValue());
                evictions.increment();
                return true;
            }
            Map.Entry<EvictableKey, FetchSession> least = evictable.firstEntry();
            if (least == null || candidate.compareTo(least.getKey()) < 0) return false;
            remove(least.getValue());
            evictions.increment();
            return true;
        }

        synchronized FetchSession remove(int id) {
            FetchSession s = sessions.get(id);
            return s == null ? null : remove(s);
        }

        synchronized FetchSession remove(FetchSession s) {
            synchronized (s) {
                lastUsed.remove(new LastUsedKey(s.lastUsedMs(), s.id));
                evictable.remove(new EvictableKey(s.cachedSize(), s.id));
                FetchSession removed = sessions.remove(s.id);
                if (removed != null) {
                    assert removed == s : "two sessions with id " + s.id;
                    partitions -= s.cachedSize();
                    s.setCachedSize(-1);
                }
                assert partitions >= 0 : "negative partition count in shard " + num;
                assert lastUsed.size() == sessions.size() : "lastUsed and sessions disagree in shard " + num;
                return removed;
            }
        }

        /** Records a use of {@code s} at {@code now}: re-indexes it by last use and by its current size. */
        synchronized void touch(FetchSession s, long now) {
            synchronized (s) {
                lastUsed.remove(new LastUsedKey(s.lastUsedMs(), s.id));
                s.setLastUsedMs(now);
                lastUsed.put(new LastUsedKey(now, s.id), s);
                int old = s.cachedSize();
                if (old != -1) {
                    evictable.remove(new EvictableKey(old, s.id));
                    partitions -= old;
                }
                s.setCachedSize(s.size());
                if (now - s.creationMs > evictionMs) evictable.put(new EvictableKey(s.cachedSize(), s.id), s);
                partitions += s.cachedSize();
                assert lastUsed.size() == sessions.size() : "lastUsed and sessions disagree in shard " + num;
            }
        }
    }
}

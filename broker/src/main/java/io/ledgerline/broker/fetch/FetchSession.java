package io.ledgerline.broker.fetch;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchResponse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

/**
 * One incremental fetch session (KIP-227): the partitions a client fetches, with what it last asked for each
 * (offset, max bytes, epochs) and what it was last told (high watermark, log start offset), so that its next
 * request names only what changed and the response carries only partitions with news.
 *
 * <p>Lock rule: every mutable field is read and written holding this session's monitor ({@code synchronized
 * (session)}). A cache shard's monitor may be taken before a session's, never after (the shard reads a session's
 * size and last-used time under both): see {@link FetchSessionCache}.
 *
 * <p>Partition order is the order reads go in, so it decides who gets the response's max bytes first: a partition
 * that returned records moves to the end (as in Kafka), so a busy partition cannot starve the others.
 */
final class FetchSession {
    final int id;
    final boolean usesTopicIds;
    final long creationMs;
    /** Guarded by this. */
    private long lastUsedMs;
    /** The epoch the next incremental request must carry. Guarded by this. */
    private int epoch;
    /** The size the shard last indexed this session under; -1 while not in a shard's indexes. Guarded by this. */
    private int cachedSize = -1;
    /** Guarded by this. */
    private final LinkedHashMap<Key, CachedPartition> partitions;

    FetchSession(int id, boolean usesTopicIds, long nowMs, int epoch, LinkedHashMap<Key, CachedPartition> partitions) {
        assert id != 0 : "session id 0 means no session";
        this.id = id;
        this.usesTopicIds = usesTopicIds;
        this.creationMs = nowMs;
        this.lastUsedMs = nowMs;
        this.epoch = epoch;
        this.partitions = partitions;
    }

    /**
     * A partition's identity in a session: by topic id when the session uses ids (Fetch v13+; the name is then
     * not part of the key, since an id whose name is unknown is still the same partition once its name is known),
     * by name otherwise.
     */
    record Key(Uuid topicId, String topic, int partition) {
        static Key of(boolean byId, Uuid topicId, String topic, int partition) {
            return byId ? new Key(topicId, null, partition) : new Key(Uuid.ZERO_UUID, topic, partition);
        }
    }

    /** What a fetcher asked for one partition (one entry of a request, or of a session's memory). */
    record Wanted(Key key, Uuid topicId, String topic, int partition, long fetchOffset, long logStartOffset,
                  int maxBytes, int currentLeaderEpoch, int lastFetchedEpoch) {
        Wanted withTopic(String name) {
            return new Wanted(key, topicId, name, partition, fetchOffset, logStartOffset, maxBytes, currentLeaderEpoch, lastFetchedEpoch);
        }
    }

    /**
     * A partition of a session: the request parameters last sent for it, and the high watermark and log start
     * offset last returned for it (-1: never, or an error was returned, so the partition is sent again once the
     * error is gone). The name is null for an id no topic had when the partition was added.
     */
    static final class CachedPartition {
        Wanted wanted;
        long highWatermark;
        long localLogStartOffset;

        CachedPartition(Wanted wanted, long highWatermark, long localLogStartOffset) {
            this.wanted = wanted;
            this.highWatermark = highWatermark;
            this.localLogStartOffset = localLogStartOffset;
        }

        /**
         * Whether a response must carry this partition (records, a moved high watermark or log start offset, an
         * error; Kafka's {@code CachedPartition.maybeUpdateResponseData}) and, when {@code update}, remembers what it
         * carries. The last stable offset is not compared, as in Kafka: it moves only with the high watermark here
         * (a transaction ends with a marker appended to the partition).
         */
        boolean mustRespond(FetchResponseData.PartitionData resp, boolean update) {
            boolean must = FetchResponse.recordsSize(resp) > 0;
            if (highWatermark != resp.highWatermark()) {
                must = true;
                if (update) highWatermark = resp.highWatermark();
            }
            if (localLogStartOffset != resp.logStartOffset()) {
                must = true;
                if (update) localLogStartOffset = resp.logStartOffset();
            }
            if (resp.errorCode() != Errors.NONE.code()) {
                if (update) highWatermark = -1;
                must = true;
            }
            return must;
        }
    }

    synchronized int epoch() {
        return epoch;
    }

    synchronized void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    synchronized long lastUsedMs() {
        return lastUsedMs;
    }

    synchronized void setLastUsedMs(long ms) {
        this.lastUsedMs = ms;
    }

    synchronized int cachedSize() {
        return cachedSize;
    }

    synchronized void setCachedSize(int size) {
        this.cachedSize = size;
    }

    synchronized int size() {
        return partitions.size();
    }

    synchronized CachedPartition find(Key key) {
        return partitions.get(key);
    }

    /** Moves a partition to the end of the read order (it returned records). */
    synchronized void moveToEnd(Key key) {
        CachedPartition p = partitions.remove(key);
        assert p != null : "moving a partition the session does not have: " + key;
        partitions.put(key, p);
    }

    /**
     * Applies an incremental request: partitions it names are added or get its new parameters, then forgotten
     * ones are removed (a partition both named and forgotten ends removed, as in Kafka).
     *
     * @return the number of partitions added, updated and removed
     */
    synchronized int[] update(Collection<Wanted> named, Collection<Key> toForget) {
        int added = 0, updated = 0, removed = 0;
        for (Wanted w : named) {
            CachedPartition p = partitions.get(w.key());
            if (p == null) {
                partitions.put(w.key(), new CachedPartition(w, -1, -1));
                added++;
            } else {
                // A name already resolved is kept: the request (v13+) carries only the id.
                p.wanted = p.wanted.topic() != null && w.topic() == null ? w.withTopic(p.wanted.topic()) : w;
                updated++;
            }
        }
        for (Key k : toForget) {
            if (partitions.remove(k) != null) removed++;
        }
        return new int[] {added, updated, removed};
    }

    /**
     * The partitions to read for this session's request, in read order; names of ids that had none are looked up
     * again ({@code names} gives an id's topic name, or null), as Kafka's {@code maybeResolveUnknownName}.
     */
    synchronized List<Wanted> toRead(Function<Uuid, String> names) {
        List<Wanted> out = new ArrayList<>(partitions.size());
        for (CachedPartition p : partitions.values()) {
            if (usesTopicIds && p.wanted.topic() == null) {
                String name = names.apply(p.wanted.topicId());
                if (name != null) p.wanted = p.wanted.withTopic(name);
            }
            out.add(p.wanted);
        }
        return out;
    }

    @Override
    public synchronized String toString() {
        return "FetchSession(id=" + id + ", epoch=" + epoch + ", partitions=" + partitions.size() + ", usesTopicIds="
                + usesTopicIds + ", creationMs=" + creationMs + ", lastUsedMs=" + lastUsedMs + ")";
    }
}

package io.ledgerline.broker.fetch;

import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.fetch.FetchSession.Key;
import io.ledgerline.broker.fetch.FetchSession.Wanted;
import io.ledgerline.log.Limits;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fetch session cache without a network: creation by a full fetch, incremental add / update / forget, the epoch
 * and topic-id checks, and the eviction order under a small slot count (Kafka 4.3's FetchSessionCacheShard rules),
 * on a clock of the test's.
 */
class FetchSessionCacheTest {
    static final short V12 = 12, V13 = 13;
    static final Function<Uuid, String> NO_NAMES = id -> null;
    final AtomicLong now = new AtomicLong(1_000_000);

    FetchSessionCache cache(int slots, long evictionMs, int shards) {
        return new FetchSessionCache(slots, evictionMs, shards, now::get);
    }

    static Wanted wanted(String topic, int partition, long offset) {
        Key k = Key.of(false, Uuid.ZERO_UUID, topic, partition);
        return new Wanted(k, Uuid.ZERO_UUID, topic, partition, offset, -1, 1 << 20, -1, -1);
    }

    static List<Wanted> partitions(String topic, int count) {
        List<Wanted> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(wanted(topic, i, 0));
        return out;
    }

    /** A full fetch of {@code parts} answered with high watermark 0 everywhere: the new session's id, or 0. */
    static int full(FetchSessionCache c, short version, int sessionId, List<Wanted> parts) {
        FetchContext ctx = c.newContext(version, sessionId, 0, parts, List.of(), NO_NAMES);
        assertThat(ctx).isInstanceOf(FetchContext.Full.class);
        return ctx.respond(updates(ctx.toRead(), 0)).data().sessionId();
    }

    static LinkedHashMap<Key, FetchContext.Update> updates(List<Wanted> read, long hw) {
        LinkedHashMap<Key, FetchContext.Update> m = new LinkedHashMap<>();
        for (Wanted w : read) {
            m.put(w.key(), new FetchContext.Update(w, new FetchResponseData.PartitionData().setPartitionIndex(w.partition())
                    .setHighWatermark(hw).setLastStableOffset(hw).setLogStartOffset(0).setRecords(MemoryRecords.EMPTY)));
        }
        return m;
    }

    @Test
    void fullFetchCreatesASessionWithEpochOneHoldingEveryPartition() {
        FetchSessionCache c = cache(1000, 120_000, Limits.FETCH_SESSION_SHARDS);
        int id = full(c, V12, 0, partitions("a", 3));
        assertThat(id).isPositive();
        FetchSession s = c.get(id);
        assertThat(s.epoch()).isEqualTo(1);
        assertThat(s.size()).isEqualTo(3);
        assertThat(c.sessions()).isEqualTo(1);
        assertThat(c.partitionsCached()).isEqualTo(3);
        assertThat(c.shardOf(id)).as("the id lies in the range of the shard that made it").isNotNull();
    }

    @Test
    void finalEpochIsSessionlessAndClosesTheNamedSession() {
        FetchSessionCache c = cache(1000, 120_000, Limits.FETCH_SESSION_SHARDS);
        int id = full(c, V12, 0, partitions("a", 2));
        FetchContext ctx = c.newContext(V12, id, -1, partitions("a", 2), List.of(), NO_NAMES);
        assertThat(ctx).isInstanceOf(FetchContext.Sessionless.class);
        assertThat(ctx.respond(updates(ctx.toRead(), 0)).data().sessionId()).isZero();
        assertThat(c.get(id)).isNull();
        assertThat(c.sessions()).isZero();
        assertThat(c.partitionsCached()).isZero();
    }

    @Test
    void fullFetchNamingASessionClosesItAndOpensANewOne() {
        FetchSessionCache c = cache(1000, 120_000, Limits.FETCH_SESSION_SHARDS);
        int first = full(c, V12, 0, partitions("a", 2));
        int second = full(c, V12, first, partitions("a", 1));
        assertThat(second).isPositive().isNotEqualTo(first);
        assertThat(c.get(first)).isNull();
        assertThat(c.sessions()).isEqualTo(1);
        assertThat(c.partitionsCached()).isEqualTo(1);
    }

    @Test
    void incrementalFetchAddsUpdatesAndForgetsAndAdvancesTheEpoch() {
        FetchSessionCache c = cache(1000, 120_000, Limits.FETCH_SESSION_SHARDS);
        int id = full(c, V12, 0, partitions("a", 3));
        FetchContext ctx = c.newContext(V12, id, 1, List.of(wanted("a", 1, 42), wanted("b", 0, 7)),
                List.of(Key.of(false, Uuid.ZERO_UUID, "a", 2)), NO_NAMES);
        assertThat(ctx).isInstanceOf(FetchContext.Incremental.class);
        assertThat(ctx.toRead()).extracting(w -> w.topic() + "-" + w.partition() + "@" + w.fetchOffset())
                .containsExactly("a-0@0", "a-1@42", "b-0@7");
        assertThat(c.get(id).epoch()).isEqualTo(2);
        assertThat(c.partitionsCached()).isEqualTo(3);
    }

    @Test
    void incrementalResponseCarriesOnlyPartitionsWithNews() {
        FetchSessionCache c = cache(1000, 120_000, Limits.FETCH_SESSION_SHARDS);
        int id = full(c, V12, 0, partitions("a", 3));
        FetchContext ctx = c.newContext(V12, id, 1, List.of(), List.of(), NO_NAMES);
        LinkedHashMap<Key, FetchContext.Update> u = updates(ctx.toRead(), 0);
        u.get(Key.of(false, Uuid.ZERO_UUID, "a", 1)).data().setHighWatermark(5);
        u.get(Key.of(false, Uuid.ZERO_UUID, "a", 2)).data().setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        FetchResponse r = ctx.respond(u);
        assertThat(r.data().sessionId()).isEqualTo(id);
        assertThat(r.data().responses()).singleElement().satisfies(t -> assertThat(t.partitions())
                .extracting(FetchResponseData.PartitionData::partitionIndex).containsExactly(1, 2));
        // Next round nothing changed but the error persists: only the erroring partition is sent again.
        FetchContext next = c.newContext(V12, id, 2, List.of(), List.of(), NO_NAMES);
        LinkedHashMap<Key, FetchContext.Update> u2 = updates(next.toRead(), 0);
        u2.get(Key.of(false, Uuid.ZERO_UUID, "a", 1)).data().setHighWatermark(5);
        u2.get(Key.of(false, Uuid.ZERO_UUID, "a", 2)).data().setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        assertThat(next.respond(u2).data().responses()).singleElement().satisfies(t -> assertThat(t.partitions())
                .extracting(FetchResponseData.PartitionData::partitionIndex).containsExactly(2));
        // The error gone: the partition is sent once more (its cached high watermark was reset to -1).
        FetchContext third = c.newContext(V12, id, 3, List.of(), List.of(), NO_NAMES);
        LinkedHashMap<Key, FetchContext.Update> u3 = updates(third.toRead(), 0);
        u3.get(Key.of(false, Uuid.ZERO_UUID, "a", 1)).data().setHighWatermark(5);
        assertThat(third.respond(u3).data().responses()).singleElement().satisfies(t -> assertThat(t.partitions())
                .extracting(FetchResponseData.PartitionData::partitionIndex).containsExactly(2));
    }

    @Test
    void unknownSessionWrongEpochAndTopicIdMismatchAreSessionErrorsWithSessionIdZero() {
        FetchSessionCache c = cache(1000, 120_000, Limits.FETCH_SESSION_SHARDS);
        int id = full(c, V12, 0, partitions("a", 1));
        assertThat(error(c.newContext(V12, id + 1, 1, List.of(), List.of(), NO_NAMES))).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        assertThat(error(c.newContext(V12, 0, 1, List.of(), List.of(), NO_NAMES))).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        assertThat(error(c.newContext(V12, -7, 3, List.of(), List.of(), NO_NAMES))).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        assertThat(error(c.newContext(V12, Integer.MAX_VALUE, 3, List.of(), List.of(), NO_NAMES))).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        assertThat(error(c.newContext(V12, id, 2, List.of(), List.of(), NO_NAMES))).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH);
        assertThat(error(c.newContext(V13, id, 1, List.of(), List.of(), NO_NAMES))).isEqualTo(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
        assertThat(c.get(id).epoch()).as("a refused request changes nothing").isEqualTo(1);
        FetchResponse r = c.newContext(V12, id, 2, List.of(), List.of(), NO_NAMES).respond(new LinkedHashMap<>());
        assertThat(r.data().sessionId()).isZero();
        assertThat(r.data().responses()).isEmpty();
        assertThat(r.error()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH);
    }

    @Test
    void aDuplicateIncrementalRequestAnsweredAfterTheNextIsInvalidEpochWithTheSessionId() {
        FetchSessionCache c = cache(1000, 120_000, Limits.FETCH_SESSION_SHARDS);
        int id = full(c, V12, 0, partitions("a", 1));
        FetchContext waiting = c.newContext(V12, id, 1, List.of(), List.of(), NO_NAMES); // e.g. a long poll
        FetchContext next = c.newContext(V12, id, 2, List.of(), List.of(), NO_NAMES);
        assertThat(next.respond(updates(next.toRead(), 0)).error()).isEqualTo(Errors.NONE);
        FetchResponse late = waiting.respond(updates(waiting.toRead(), 0));
        assertThat(late.error()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH);
        assertThat(late.data().sessionId()).isEqualTo(id);
        assertThat(late.data().responses()).isEmpty();
    }

    @Test
    void forgettingEveryPartitionClosesTheSessionAndAnswersSessionless() {
        FetchSessionCache c = cache(1000, 120_000, Limits.FETCH_SESSION_SHARDS);
        int id = full(c, V12, 0, partitions("a", 1));
        FetchContext ctx = c.newContext(V12, id, 1, List.of(), List.of(Key.of(false, Uuid.ZERO_UUID, "a", 0)), NO_NAMES);
        assertThat(ctx).isInstanceOf(FetchContext.Sessionless.class);
        assertThat(c.get(id)).isNull();
        assertThat(c.sessions()).isZero();
    }

    @Test
    void partitionThatReturnedRecordsMovesToTheEndOfTheReadOrder() {
        FetchSessionCache c = cache(1000, 120_000, Limits.FETCH_SESSION_SHARDS);
        int id = full(c, V12, 0, partitions("a", 3));
        FetchContext ctx = c.newContext(V12, id, 1, List.of(), List.of(), NO_NAMES);
        LinkedHashMap<Key, FetchContext.Update> u = updates(ctx.toRead(), 0);
        u.get(Key.of(false, Uuid.ZERO_UUID, "a", 0)).data().setRecords(MemoryRecords.withRecords(
                org.apache.kafka.common.compress.Compression.NONE, new org.apache.kafka.common.record.internal.SimpleRecord(new byte[1])));
        ctx.respond(u);
        assertThat(c.newContext(V12, id, 2, List.of(), List.of(), NO_NAMES).toRead()).extracting(Wanted::partition).containsExactly(1, 2, 0);
    }

    @Test
    void topicIdSessionResolvesANameThatAppearsLater() {
        FetchSessionCache c = cache(1000, 120_000, Limits.FETCH_SESSION_SHARDS);
        Uuid topicId = Uuid.randomUuid();
        Key k = Key.of(true, topicId, null, 0);
        Wanted w = new Wanted(k, topicId, null, 0, 0, -1, 100, -1, -1);
        FetchContext ctx = c.newContext(V13, 0, 0, List.of(w), List.of(), NO_NAMES);
        int id = ctx.respond(updates(ctx.toRead(), -1)).data().sessionId();
        assertThat(c.get(id).usesTopicIds).isTrue();
        FetchContext next = c.newContext(V13, id, 1, List.of(), List.of(), u -> u.equals(topicId) ? "late" : null);
        assertThat(next.toRead()).singleElement().extracting(Wanted::topic).isEqualTo("late");
    }

    @Test
    void smallShardEvictsTheSmallestOldSessionForALargerOneAndNeverForAnEqualOne() {
        FetchSessionCache c = cache(2, 1_000, 1);
        int small = full(c, V12, 0, partitions("a", 2));
        int large = full(c, V12, 0, partitions("b", 5));
        assertThat(full(c, V12, 0, partitions("c", 10))).as("both sessions are young: no room").isZero();
        now.addAndGet(1_001);
        // Touched after the protection: both become evictable by size.
        incremental(c, small, 1);
        incremental(c, large, 1);
        assertThat(full(c, V12, 0, partitions("d", 2))).as("as small as the smallest: evicts nothing").isZero();
        int bigger = full(c, V12, 0, partitions("e", 3));
        assertThat(bigger).isPositive();
        assertThat(c.get(small)).as("the session with the fewest partitions went").isNull();
        assertThat(c.get(large)).isNotNull();
        assertThat(c.evictions()).isEqualTo(1);
        assertThat(c.sessions()).isEqualTo(2);
        assertThat(c.partitionsCached()).isEqualTo(8);
        assertThat(error(c.newContext(V12, small, 2, List.of(), List.of(), NO_NAMES))).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
    }

    @Test
    void aSessionUnusedForLongerThanTheProtectionIsEvictedByAnyNewOne() {
        FetchSessionCache c = cache(1, 1_000, 1);
        int big = full(c, V12, 0, partitions("a", 50));
        now.addAndGet(1_000);
        assertThat(full(c, V12, 0, partitions("b", 1))).as("unused for exactly the protection: kept").isZero();
        now.addAndGet(1);
        int tiny = full(c, V12, 0, partitions("b", 1));
        assertThat(tiny).isPositive();
        assertThat(c.get(big)).isNull();
        assertThat(c.evictions()).isEqualTo(1);
    }

    @Test
    void aSessionNeverTouchedAfterItsProtectionIsEvictedOnlyWhenStale() {
        FetchSessionCache c = cache(2, 1_000, 1);
        int a = full(c, V12, 0, partitions("a", 1));
        now.addAndGet(600);
        int b = full(c, V12, 0, partitions("b", 1));
        now.addAndGet(600); // a is 1200 ms old and unused that long (stale); b is 600 ms old
        int big = full(c, V12, 0, partitions("c", 9));
        assertThat(big).isPositive();
        assertThat(c.get(a)).as("the least recently used, stale").isNull();
        assertThat(c.get(b)).isNotNull();
        assertThat(full(c, V12, 0, partitions("d", 20))).as("b is neither stale nor touched after its protection").isZero();
    }

    @Test
    void slotsAreSplitOverShardsAsInKafka() {
        FetchSessionCache seven = cache(7, 120_000, Limits.FETCH_SESSION_SHARDS);
        assertThat(full(seven, V12, 0, partitions("a", 1))).as("7 / 8 = 0 slots per shard").isZero();
        FetchSessionCache off = cache(0, 120_000, Limits.FETCH_SESSION_SHARDS);
        assertThat(full(off, V12, 0, partitions("a", 1))).isZero();
        FetchSessionCache eight = cache(8, 120_000, Limits.FETCH_SESSION_SHARDS);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 9; i++) ids.add(full(eight, V12, 0, partitions("t" + i, 1)));
        assertThat(ids.subList(0, 8)).allMatch(id -> id > 0);
        assertThat(ids.get(8)).as("each shard holds one").isZero();
        assertThat(eight.sessions()).isEqualTo(8);
        assertThat(ids.subList(0, 8).stream().map(eight::shardOf).distinct()).hasSize(8);
    }

    @Test
    void slotSettingsAreBrokerConfigWithKafkasDefaultAndChecked() {
        assertThat(BrokerConfig.defaults().intValue(BrokerConfig.MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS)).isEqualTo(1000);
        assertThat(BrokerConfig.defaults().longValue(BrokerConfig.MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS)).isEqualTo(120_000);
        assertThat(BrokerConfig.of(Map.of("max.incremental.fetch.session.cache.slots", "0"))
                .intValue(BrokerConfig.MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS)).isZero();
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("max.incremental.fetch.session.cache.slots", "-1")))
                .hasMessageContaining("max.incremental.fetch.session.cache.slots must be >= 0");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("max.incremental.fetch.session.cache.slots", "many")))
                .hasMessageContaining("must be an integer");
    }

    private static void incremental(FetchSessionCache c, int id, int epoch) {
        FetchContext ctx = c.newContext(V12, id, epoch, List.of(), List.of(), NO_NAMES);
        assertThat(ctx).isInstanceOf(FetchContext.Incremental.class);
        ctx.respond(updates(ctx.toRead(), 0));
    }

    private static Errors error(FetchContext ctx) {
        assertThat(ctx).isInstanceOf(FetchContext.SessionError.class);
        return ((FetchContext.SessionError) ctx).error();
    }
}

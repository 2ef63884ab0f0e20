package io.ledgerline.broker.fetch;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import io.ledgerline.log.Limits;
import io.ledgerline.log.Seeded;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fetch sessions against a reference model, over the wire: a seed drives a few simulated consumers that send
 * full, incremental, final and wrong requests (right and wrong epochs, unknown and closed session ids, the other
 * side of the v13 topic-id boundary), add, update and forget partitions (also unknown topics, topic ids no topic
 * has, partitions past a topic's count, an offset past the end), while records arrive and the broker's clock moves,
 * under a small {@code max.incremental.fetch.session.cache.slots}. Every answer (top-level error, whether a session
 * id is given and which, each partition returned with its error, high watermark and record count) must be the
 * model's.
 *
 * <p>The model is KIP-227's rules as Kafka 4.3 applies them, written here from those rules with plain lists (no
 * code of the broker's): epoch 0 closes the named session and may create one, -1 closes and creates none; an
 * incremental request to an unknown id is FETCH_SESSION_ID_NOT_FOUND, with another epoch INVALID_FETCH_SESSION_EPOCH,
 * across the v13 boundary FETCH_SESSION_TOPIC_ID_ERROR (no partitions, session id 0, the session kept); an
 * incremental request that leaves its session empty closes it and is answered sessionless; an incremental
 * response carries a session partition only with records, a changed high watermark or log start offset, or an
 * error. Capacity: 8 shards of slots/8, a full request goes to the next shard in turn; a full shard admits a session
 * by evicting the least recently used one if unused for longer than the eviction time, else the one with the
 * fewest partitions among those that were older than the eviction time when last used, if the new one has more.
 *
 * <p>A fixed set of seeds runs in the normal suite; {@code -Dledgerline.seed=N} runs seed N alone (the convention of
 * {@link Seeded}). A failure names its seed, step and the replay command.
 */
class FetchSessionModelTest {
    static final long[] SEEDS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    static final int STEPS = 300;
    static final short LATEST = ApiKeys.FETCH.latestVersion(false);
    static final Map<String, Integer> TOPICS = Map.of("a", 4, "b", 2);

    @TempDir
    Path dir;

    static LongStream seeds() {
        Long fixed = Long.getLong(Seeded.PROPERTY);
        return fixed != null ? LongStream.of(fixed) : LongStream.of(SEEDS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyAnswerIsTheModels(long seed) throws Exception {
        System.out.println("FetchSessionModelTest seed " + seed + " (rerun with -D" + Seeded.PROPERTY + "=" + seed + ")");
        Run run = new Run(seed, Files.createDirectory(dir.resolve("s" + seed)));
        try {
            run.steps(STEPS);
            System.out.println("  " + run.config + ", " + run.clients.size() + " clients: " + run.seen);
        } catch (AssertionError | IOException e) {
            throw new AssertionError("[seed " + seed + ", step " + run.step + " (" + run.what + "); replay: mvn -o -B -pl broker -am test "
                    + "-Dtest=FetchSessionModelTest -Dsurefire.failIfNoSpecifiedTests=false -D" + Seeded.PROPERTY + "=" + seed + "; "
                    + run.config + "] " + e.getMessage(), e);
        } finally {
            run.close();
        }
    }

    /** A partition as a request at one version names it: by topic name below v13, by topic id (its string) from v13. */
    record PKey(String topic, int partition) {}

    /** What the broker holds for a partition, as the model answers it for a fetch at {@code offset}. */
    record Truth(Errors error, long highWatermark, long logStartOffset, int records, long offset) {}

    /** A session of the model. */
    static final class MSession {
        final int id;
        final int shard;
        final boolean byId;
        final long createdMs;
        int epoch = 1;
        long lastUsedMs;
        int sizeAtLastUse;
        boolean oldAtLastUse;
        /** Partition -> {fetch offset, last high watermark sent (-1: none or an error), last log start offset sent}. */
        final LinkedHashMap<PKey, long[]> parts = new LinkedHashMap<>();

        MSession(int id, int shard, boolean byId, long now) {
            this.id = id;
            this.shard = shard;
            this.byId = byId;
            this.createdMs = now;
            this.lastUsedMs = now;
        }
    }

    /** A simulated consumer: its version, the session it believes it has, and its position in each partition. */
    static final class Client {
        final short version;
        int sessionId;
        int epoch;
        final LinkedHashMap<PKey, Long> offsets = new LinkedHashMap<>();
        /** Partitions whose offset changed since the last request (a real client names them). */
        final Set<PKey> dirty = new HashSet<>();

        Client(short version) {
            this.version = version;
        }

        boolean byId() {
            return version >= 13;
        }
    }

    /** The expected answer to one request. */
    record Expected(Errors error, boolean sessionGiven, int sessionId, Map<PKey, Truth> partitions) {}

    final class Run implements AutoCloseable {
        final Random rnd;
        final AtomicLong clock = new AtomicLong(1_000_000);
        final int slots;
        final long evictionMs;
        final String config;
        final Broker broker;
        final RawClient raw;
        final Uuid noSuchId;
        final Map<String, Uuid> ids = new HashMap<>();
        final Map<String, long[]> hw = new HashMap<>(); // topic -> per-partition high watermark
        final List<Client> clients = new ArrayList<>();
        final List<List<MSession>> shards = new ArrayList<>();
        final Set<Integer> issued = new HashSet<>();
        /** What the run went through (printed, so a seed's coverage is visible): answer kind -> count. */
        final Map<String, Integer> seen = new TreeMap<>();
        int nextShard;
        int step;
        String what = "start";

        Run(long seed, Path dataDir) throws IOException {
            rnd = new Random(seed);
            slots = new int[] {0, 8, 8, 16, 16, 24, 1000}[rnd.nextInt(7)];
            evictionMs = new long[] {0, 300, 1000, 5000}[rnd.nextInt(4)];
            config = "slots " + slots + ", eviction ms " + evictionMs;
            broker = TestBroker.over(dataDir).settings(Map.of("max.incremental.fetch.session.cache.slots", String.valueOf(slots),
                    "min.incremental.fetch.session.eviction.ms", String.valueOf(evictionMs),
                    // acknowledged (and readable) at the write: sessions are the subject, not durability
                    "flush.mode", "interval")).clock(clock::get).start().broker();
            raw = new RawClient(broker);
            for (Map.Entry<String, Integer> t : new TreeMap<>(TOPICS).entrySet()) {
                broker.topics().create(t.getKey(), t.getValue(), Map.of());
                ids.put(t.getKey(), broker.topics().get(t.getKey()).topic().id());
                hw.put(t.getKey(), new long[t.getValue()]);
            }
            noSuchId = new Uuid(rnd.nextLong(), rnd.nextLong());
            for (int i = 0; i < Limits.FETCH_SESSION_SHARDS; i++) shards.add(new ArrayList<>());
            // under cache pressure, more consumers than slots
            int n = 1 + rnd.nextInt(slots > 0 && slots <= 24 ? slots + 8 : 8);
            for (int i = 0; i < n; i++) clients.add(new Client((short) (7 + rnd.nextInt(LATEST - 7 + 1))));
        }

        @Override
        public void close() {
            try {
                raw.close();
            } catch (IOException ignored) {
                // the broker goes next
            }
            broker.close();
        }

        void steps(int count) throws IOException {
            for (step = 1; step <= count; step++) {
                int r = rnd.nextInt(100);
                if (r < 20) {
                    String t = rnd.nextBoolean() ? "a" : "b";
                    int p = rnd.nextInt(TOPICS.get(t));
                    what = "produce " + t + "-" + p;
                    FetchSessionClient.produce(broker, t, p, 1);
                    hw.get(t)[p]++;
                } else if (r < 30) {
                    long by = rnd.nextInt(10) == 0 ? evictionMs + 1 : rnd.nextInt((int) Math.max(1, evictionMs / 3 + 1));
                    what = "clock +" + by + " ms";
                    clock.addAndGet(by);
                } else {
                    clientStep(clients.get(rnd.nextInt(clients.size())));
                }
            }
        }

        // ---------------------------------------------------------------- the simulated consumers

        void clientStep(Client c) throws IOException {
            int r = rnd.nextInt(100);
            MSession known = find(c.sessionId);
            if (c.sessionId == 0 || c.epoch == 0 || r < 8) {
                // a full fetch: the client's partitions, a few more or fewer; it names its old session (closing it) if any
                LinkedHashMap<PKey, Long> want = new LinkedHashMap<>(c.offsets);
                int add = rnd.nextInt(4);
                for (int i = 0; i < add; i++) {
                    PKey k = anyPartition(c);
                    want.putIfAbsent(k, startOffset(k));
                }
                if (!want.isEmpty() && rnd.nextInt(4) == 0) want.remove(want.keySet().iterator().next());
                send(c, "full", c.sessionId, 0, want, List.of());
            } else if (r < 13) {
                send(c, "final", c.sessionId, -1, new LinkedHashMap<>(c.offsets), List.of());
            } else if (r < 18) {
                send(c, "wrong epoch", c.sessionId, c.epoch + 1 + rnd.nextInt(3), dirtyOffsets(c), List.of());
            } else if (r < 22) {
                int id;
                do {
                    id = 1 + rnd.nextInt(Integer.MAX_VALUE - 1);
                } while (issued.contains(id));
                send(c, "unknown id", id, 1 + rnd.nextInt(5), dirtyOffsets(c), List.of());
            } else if (r < 26 && known != null) {
                // the same session at a version across the topic-id boundary: no partitions, the error alone
                short other = c.byId() ? (short) (7 + rnd.nextInt(6)) : (short) (13 + rnd.nextInt(LATEST - 13 + 1));
                int epoch = rnd.nextInt(3) == 0 ? c.epoch + 1 : c.epoch; // a wrong epoch is reported first
                sendAt(c, other, "other side of v13", c.sessionId, epoch, new LinkedHashMap<>(), List.of());
            } else if (r < 29) {
                send(c, "forget all", c.sessionId, c.epoch, new LinkedHashMap<>(), new ArrayList<>(c.offsets.keySet()));
            } else {
                // a proper incremental fetch: changed offsets (usually all of them), maybe a partition added or forgotten
                LinkedHashMap<PKey, Long> named = dirtyOffsets(c);
                if (rnd.nextInt(6) == 0 && !named.isEmpty()) named.remove(named.keySet().iterator().next()); // one update left out
                List<PKey> forget = new ArrayList<>();
                if (rnd.nextInt(5) == 0) {
                    PKey k = anyPartition(c);
                    named.putIfAbsent(k, c.offsets.getOrDefault(k, startOffset(k)));
                }
                if (rnd.nextInt(6) == 0 && !c.offsets.isEmpty()) {
                    List<PKey> have = new ArrayList<>(c.offsets.keySet());
                    forget.add(have.get(rnd.nextInt(have.size())));
                }
                if (rnd.nextInt(15) == 0 && !c.offsets.isEmpty()) { // an offset past the end
                    PKey k = new ArrayList<>(c.offsets.keySet()).get(0);
                    if (known(k)) named.put(k, hwOf(k) + 1);
                }
                send(c, "incremental", c.sessionId, c.epoch, named, forget);
            }
        }

        LinkedHashMap<PKey, Long> dirtyOffsets(Client c) {
            LinkedHashMap<PKey, Long> m = new LinkedHashMap<>();
            for (PKey k : c.dirty) m.put(k, c.offsets.get(k));
            return m;
        }

        long startOffset(PKey k) {
            return known(k) ? rnd.nextInt((int) hwOf(k) + 1) : 0;
        }

        /** A partition a request of {@code c} may name: usually a real one, sometimes one no broker has. */
        PKey anyPartition(Client c) {
            int r = rnd.nextInt(20);
            String topic = r == 0 ? "no-such-topic" : r == 1 || rnd.nextBoolean() ? "b" : "a";
            int partition = r == 2 ? 7 : rnd.nextInt(topic.equals("b") ? 2 : 4);
            if (!c.byId()) return new PKey(topic, partition);
            return new PKey((topic.equals("no-such-topic") ? noSuchId : ids.get(topic)).toString(), partition);
        }

        String topicName(PKey k) {
            if (TOPICS.containsKey(k.topic())) return k.topic();
            for (Map.Entry<String, Uuid> e : ids.entrySet()) if (e.getValue().toString().equals(k.topic())) return e.getKey();
            return null;
        }

        boolean known(PKey k) {
            String t = topicName(k);
            return t != null && k.partition() < TOPICS.get(t);
        }

        long hwOf(PKey k) {
            return hw.get(topicName(k))[k.partition()];
        }

        /** What the broker's log answers for {@code k} at {@code offset} (all records from the offset: one per batch). */
        Truth truth(PKey k, long offset, boolean byId) {
            String t = topicName(k);
            if (t == null) return new Truth(byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION, -1, -1, 0, offset);
            if (k.partition() >= TOPICS.get(t)) return new Truth(Errors.UNKNOWN_TOPIC_OR_PARTITION, -1, -1, 0, offset);
            long h = hwOf(k);
            if (offset > h) return new Truth(Errors.OFFSET_OUT_OF_RANGE, h, 0, 0, offset);
            return new Truth(Errors.NONE, h, 0, (int) (h - offset), offset);
        }

        // ---------------------------------------------------------------- one request: model, broker, comparison

        void send(Client c, String kind, int sessionId, int epoch, LinkedHashMap<PKey, Long> named, List<PKey> forget) throws IOException {
            sendAt(c, c.version, kind, sessionId, epoch, named, forget);
        }

        void sendAt(Client c, short version, String kind, int sessionId, int epoch, LinkedHashMap<PKey, Long> named,
                    List<PKey> forget) throws IOException {
            what = kind + " v" + version + " session " + sessionId + " epoch " + epoch + " naming " + named + " forgetting " + forget;
            Expected want = model(version, sessionId, epoch, named, forget);
            seen.merge(want.error() != Errors.NONE ? want.error().name() : !want.sessionGiven() ? "no session"
                    : want.sessionId() == 0 ? "new session" : "incremental", 1, Integer::sum);
            FetchResponse got = fetch(version, sessionId, epoch, named, forget);
            assertThat(got.error()).as("top-level error").isEqualTo(want.error());
            if (want.sessionGiven() && want.sessionId() == 0) {
                // a new session: the model cannot know its id, only that there is one, in the shard it went to
                int id = got.data().sessionId();
                assertThat(id).as("a new session's id").isPositive();
                issued.add(id);
                created(id, version >= 13, named, want.partitions());
            } else if (want.sessionGiven()) {
                assertThat(got.data().sessionId()).as("session id").isEqualTo(want.sessionId());
            } else {
                assertThat(got.data().sessionId()).as("session id (none)").isZero();
            }
            Map<PKey, FetchResponseData.PartitionData> parts = partitions(got, version);
            assertThat(parts.keySet()).as("partitions returned").containsExactlyInAnyOrderElementsOf(want.partitions().keySet());
            for (Map.Entry<PKey, Truth> e : want.partitions().entrySet()) {
                FetchResponseData.PartitionData p = parts.get(e.getKey());
                Truth t = e.getValue();
                assertThat(Errors.forCode(p.errorCode())).as("error of " + e.getKey()).isEqualTo(t.error());
                if (t.error() == Errors.NONE) {
                    assertThat(p.highWatermark()).as("high watermark of " + e.getKey()).isEqualTo(t.highWatermark());
                    assertThat(FetchSessionClient.records(p)).as("records of " + e.getKey()).isEqualTo(t.records());
                }
            }
            clientSees(c, version, sessionId, epoch, named, forget, got, parts, want.partitions());
        }

        /** What the client does with an answer, as kafka-clients' FetchSessionHandler: keep the session or start over. */
        void clientSees(Client c, short version, int sessionId, int epoch, LinkedHashMap<PKey, Long> named, List<PKey> forget,
                        FetchResponse got, Map<PKey, FetchResponseData.PartitionData> parts, Map<PKey, Truth> expected) {
            if (version != c.version) return; // the probe across the boundary: the client itself never sent it
            if (sessionId == c.sessionId && (epoch == 0 || epoch == -1 || epoch == c.epoch)) {
                // what it asked becomes its state
                named.forEach((k, o) -> {
                    c.offsets.put(k, o);
                    c.dirty.remove(k);
                });
                forget.forEach(k -> {
                    c.offsets.remove(k);
                    c.dirty.remove(k);
                });
                if (epoch == 0 || epoch == -1) {
                    c.offsets.keySet().retainAll(named.keySet());
                    c.dirty.retainAll(named.keySet());
                }
            }
            if (got.error() != Errors.NONE) {
                if (sessionId == c.sessionId) c.epoch = 0; // next: a full fetch naming (closing) the session
                return;
            }
            int id = got.data().sessionId();
            if (sessionId == c.sessionId || epoch == 0 || epoch == -1) {
                if (id == 0) {
                    c.sessionId = 0;
                    c.epoch = 0;
                } else if (id != c.sessionId) {
                    c.sessionId = id;
                    c.epoch = 1;
                } else {
                    c.epoch++;
                }
            }
            for (Map.Entry<PKey, FetchResponseData.PartitionData> e : parts.entrySet()) {
                int n = FetchSessionClient.records(e.getValue());
                if (n > 0 && c.offsets.containsKey(e.getKey()) && e.getValue().errorCode() == 0) {
                    // read from the offset the session held (not the client's own, if it left an update out)
                    c.offsets.put(e.getKey(), expected.get(e.getKey()).offset() + n);
                    c.dirty.add(e.getKey());
                }
            }
            if (c.sessionId == 0) c.dirty.clear();
        }

        /** The model's answer, and the model's new state (a new session is added by {@link #created}). */
        Expected model(short version, int sessionId, int epoch, LinkedHashMap<PKey, Long> named, List<PKey> forget) {
            boolean byId = version >= 13;
            long now = clock.get();
            if (epoch == 0 || epoch == -1) {
                MSession old = find(sessionId);
                if (old != null) shards.get(old.shard).remove(old);
                Map<PKey, Truth> all = new LinkedHashMap<>();
                named.forEach((k, o) -> all.put(k, truth(k, o, byId)));
                if (epoch == -1) return new Expected(Errors.NONE, false, 0, all);
                int shard = nextShard++ % Limits.FETCH_SESSION_SHARDS;
                pendingShard = shard;
                return new Expected(Errors.NONE, admits(shard, named.size(), now), 0, all);
            }
            MSession s = find(sessionId);
            if (s == null) return new Expected(Errors.FETCH_SESSION_ID_NOT_FOUND, false, 0, Map.of());
            if (s.epoch != epoch) return new Expected(Errors.INVALID_FETCH_SESSION_EPOCH, false, 0, Map.of());
            if (s.byId != byId) return new Expected(Errors.FETCH_SESSION_TOPIC_ID_ERROR, false, 0, Map.of());
            named.forEach((k, o) -> {
                long[] p = s.parts.get(k);
                if (p == null) s.parts.put(k, new long[] {o, -1, -1});
                else p[0] = o;
            });
            forget.forEach(s.parts::remove);
            if (s.parts.isEmpty()) {
                shards.get(s.shard).remove(s);
                Map<PKey, Truth> all = new LinkedHashMap<>();
                named.forEach((k, o) -> all.put(k, truth(k, o, byId)));
                return new Expected(Errors.NONE, false, 0, all);
            }
            s.lastUsedMs = now;
            s.sizeAtLastUse = s.parts.size();
            s.oldAtLastUse = now - s.createdMs > evictionMs;
            s.epoch = s.epoch == Integer.MAX_VALUE ? 1 : s.epoch + 1;
            Map<PKey, Truth> news = new LinkedHashMap<>();
            for (Map.Entry<PKey, long[]> e : s.parts.entrySet()) {
                long[] p = e.getValue();
                Truth t = truth(e.getKey(), p[0], byId);
                boolean must = t.records() > 0 || t.highWatermark() != p[1] || t.logStartOffset() != p[2] || t.error() != Errors.NONE;
                p[1] = t.error() == Errors.NONE ? t.highWatermark() : -1;
                p[2] = t.logStartOffset();
                if (must) news.put(e.getKey(), t);
            }
            return new Expected(Errors.NONE, true, s.id, news);
        }

        int pendingShard;

        /** Whether {@code shard} takes a new session of {@code size} partitions now, evicting one if it must. */
        boolean admits(int shard, int size, long now) {
            List<MSession> in = shards.get(shard);
            if (in.size() < slots / Limits.FETCH_SESSION_SHARDS) return true;
            MSession lru = null;
            for (MSession s : in) {
                if (lru == null || s.lastUsedMs < lru.lastUsedMs || s.lastUsedMs == lru.lastUsedMs && s.id < lru.id) lru = s;
            }
            if (lru == null) return false;
            if (now - lru.lastUsedMs > evictionMs) {
                in.remove(lru);
                seen.merge("evicted (unused)", 1, Integer::sum);
                return true;
            }
            MSession smallest = null;
            for (MSession s : in) {
                if (!s.oldAtLastUse) continue;
                if (smallest == null || s.sizeAtLastUse < smallest.sizeAtLastUse
                        || s.sizeAtLastUse == smallest.sizeAtLastUse && s.id < smallest.id) smallest = s;
            }
            if (smallest == null || size <= smallest.sizeAtLastUse) return false;
            in.remove(smallest);
            seen.merge("evicted (smaller)", 1, Integer::sum);
            return true;
        }

        void created(int id, boolean byId, LinkedHashMap<PKey, Long> named, Map<PKey, Truth> answered) {
            MSession s = new MSession(id, pendingShard, byId, clock.get());
            named.forEach((k, o) -> {
                Truth t = answered.get(k);
                s.parts.put(k, new long[] {o, t.highWatermark(), t.logStartOffset()});
            });
            s.sizeAtLastUse = s.parts.size();
            s.oldAtLastUse = false;
            shards.get(pendingShard).add(s);
            assertThat(shards.get(pendingShard).size()).isLessThanOrEqualTo(Math.max(1, slots / Limits.FETCH_SESSION_SHARDS));
        }

        MSession find(int id) {
            for (List<MSession> shard : shards) for (MSession s : shard) if (s.id == id) return s;
            return null;
        }

        // ---------------------------------------------------------------- the wire

        FetchResponse fetch(short version, int sessionId, int epoch, LinkedHashMap<PKey, Long> named, List<PKey> forget) throws IOException {
            FetchRequestData d = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 24)
                    .setSessionId(sessionId).setSessionEpoch(epoch);
            Map<String, FetchRequestData.FetchTopic> topics = new LinkedHashMap<>();
            named.forEach((k, o) -> topics.computeIfAbsent(k.topic(), t -> topic(new FetchRequestData.FetchTopic(), t, version)).partitions()
                    .add(new FetchRequestData.FetchPartition().setPartition(k.partition()).setFetchOffset(o).setPartitionMaxBytes(1 << 20)));
            d.topics().addAll(topics.values());
            Map<String, FetchRequestData.ForgottenTopic> forgotten = new LinkedHashMap<>();
            for (PKey k : forget) {
                forgotten.computeIfAbsent(k.topic(), t -> {
                    FetchRequestData.ForgottenTopic f = new FetchRequestData.ForgottenTopic();
                    if (version >= 13) f.setTopicId(Uuid.fromString(t));
                    else f.setTopic(t);
                    return f;
                }).partitions().add(k.partition());
            }
            d.forgottenTopicsData().addAll(forgotten.values());
            return (FetchResponse) raw.send(new FetchRequest(d, version));
        }

        FetchRequestData.FetchTopic topic(FetchRequestData.FetchTopic t, String ref, short version) {
            return version >= 13 ? t.setTopicId(Uuid.fromString(ref)) : t.setTopic(ref);
        }

        Map<PKey, FetchResponseData.PartitionData> partitions(FetchResponse r, short version) {
            Map<PKey, FetchResponseData.PartitionData> out = new LinkedHashMap<>();
            for (FetchResponseData.FetchableTopicResponse t : r.data().responses()) {
                String ref = version >= 13 ? t.topicId().toString() : t.topic();
                for (FetchResponseData.PartitionData p : t.partitions()) {
                    assertThat(out.put(new PKey(ref, p.partitionIndex()), p)).as("partition listed twice").isNull();
                }
            }
            return out;
        }
    }
}

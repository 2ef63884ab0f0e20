package io.ledgerline.broker.group;

import io.ledgerline.broker.protocol.CoordinatorWriteErrors;
import io.ledgerline.coordinator.CoordinatorRuntime;
import io.ledgerline.coordinator.InternalLog;
import io.ledgerline.coordinator.Result;
import io.ledgerline.log.Limits;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The classic group coordinator: every consumer group of this broker (this node coordinates all of them).
 *
 * <p>Shape (ARCHITECTURE.md): runs on the coordinator runtime ({@link CoordinatorRuntime}). A request yields a
 * response plus the {@link GroupRecord}s to append to the offsets log ({@link OffsetsLog}, an {@link InternalLog});
 * {@link GroupStateMachine#replay} is the only code that changes committed offsets, offsets pending in
 * transactions, stored generations and group existence, at run time exactly as when the log is replayed at start
 * ({@link #digest} fingerprints that state). What is logged:
 * committed offsets, transactional offsets and their transaction's end, the group's last stable generation
 * (members, leader, protocol, assignment) and group deletion. What is not: the rebalance in progress (who has
 * rejoined, pending member ids, session deadlines), as in Kafka. A restart therefore resumes every group at its
 * last stable generation, with fresh session deadlines; its members heartbeat on, or rejoin if they had moved on.
 *
 * <p>Invariant: what anyone reads of committed offsets, of offsets pending in transactions and of which groups
 * exist (OffsetFetch, DescribeGroups, ListGroups, offsets retention, the checks of later requests) is exactly
 * the replay of a prefix of the offsets log that is durable, so a restart never takes back what a reader saw.
 * So a write's records are applied only once durable, in the order they were appended (log order: only this
 * coordinator appends, under its monitor), and never if the append or its fsync fails (the runtime's contract);
 * the write's answer leaves after they are applied, so the writer reads its own write.
 * The exception is live membership, as in Kafka: a rebalance runs in memory ahead of the log (a JoinGroup
 * creates its group at once); the stored generation is for a restart: applying it at run time records it as the
 * group's stored generation and leaves the live membership, which it came from, as it is.
 *
 * <p>Writes in flight (appended, not yet applied) are looked at where they change a decision: a deletion
 * (DeleteGroups, OffsetDelete, expiry) also writes tombstones for the offsets they set, expiry leaves a partition
 * they touch alone, a transaction's end is written for offsets still in flight, and OffsetFetch's requireStable
 * counts in-flight transactional offsets as pending (a retry, never a value). A group whose deletion is in
 * flight stays visible (Empty) until the deletion is durable; meanwhile JoinGroup and DeleteGroups for it get
 * COORDINATOR_NOT_AVAILABLE (Kafka's answer for a Dead group; clients retry), since applying the deletion
 * would remove a member that joined meanwhile. Commits meanwhile need no such care: they follow the tombstone
 * in the log and recreate the group, at run time as at replay.
 *
 * <p>Time: one {@link #tick} every {@value io.ledgerline.log.Limits#GROUP_TICK_MS} ms on this coordinator's scheduler expires sessions,
 * pending member ids, join and sync deadlines, and (every offsets.retention.check.interval.ms) old offsets of
 * empty groups. Delayed JoinGroup/SyncGroup answers are futures completed there or by another member's
 * request; the connection handler keeps each connection's responses in request order.
 *
 * <p>Ids: a member id is its client id (or group.instance.id) and a suffix from the injected generator (random in
 * the broker, a counter in tests), decided here, never in replay.
 *
 * <p>Threads: every method runs under this object's monitor, which is the runtime's apply lock; nothing blocks
 * under it (appends return a durability future). Durability futures complete on the log's flush threads, which
 * may hold the log's locks: the runtime only hands over to this coordinator's scheduler thread (its executor),
 * which applies writes under the monitor and answers their requests after leaving it.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    /** Settings, named as Kafka's broker configs (units in the names). */
    public record Settings(long initialRebalanceDelayMs, int sessionTimeoutMsMin, int sessionTimeoutMsMax,
                           long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs) {}

    /** The answer to an offset commit or delete: a request-level error, else one error per partition. */
    public record PartitionErrors(Errors error, Map<TopicPartition, Errors> partitions) {}

    private final Settings settings;
    private final LongSupplier clock;
    private final Supplier<String> memberIdSuffixes;
    /** The replayed state; {@link #groups} and {@link #pendingTxnOffsets} are its maps. */
    private final GroupStateMachine state = new GroupStateMachine();
    private final Map<String, ClassicGroup> groups = state.groups;
    private final Map<String, Map<Long, Map<TopicPartition, CommittedOffset>>> pendingTxnOffsets = state.pendingTxnOffsets;
    private final ScheduledExecutorService scheduler;
    private final CoordinatorRuntime<GroupRecord> runtime;
    private long nextRetentionCheckMs;

    /** The broker's member-id suffixes: random UUIDs, as Kafka's. */
    public static Supplier<String> randomMemberIdSuffixes() {
        return () -> Uuid.randomUuid().toString();
    }

    /**
     * Replays {@code offsetsLog} and starts the timers.
     *
     * @param clock            the time of every decision (deadlines, commit timestamps); never read by replay
     * @param memberIdSuffixes what follows "clientId-" in a new member id ({@link #randomMemberIdSuffixes} in the broker)
     */
    public GroupCoordinator(InternalLog<GroupRecord> offsetsLog, Settings settings, LongSupplier clock, Supplier<String> memberIdSuffixes) {
        this.settings = settings;
        this.clock = clock;
        this.memberIdSuffixes = memberIdSuffixes;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ledgerline-group-coordinator");
            t.setDaemon(true);
            return t;
        });
        this.runtime = new CoordinatorRuntime<>("groups", state, offsetsLog, scheduler, this);
        try {
            load();
        } catch (RuntimeException | Error e) {
            scheduler.shutdownNow();
            throw e;
        }
        scheduler.scheduleWithFixedDelay(this::tickSafely, Limits.GROUP_TICK_MS, Limits.GROUP_TICK_MS, TimeUnit.MILLISECONDS);
    }

    private synchronized void load() {
        long started = System.nanoTime();
        state.loading = true;
        int records;
        try {
            records = runtime.load();
        } finally {
            state.loading = false;
        }
        long now = clock.getAsLong();
        for (ClassicGroup g : groups.values()) {
            for (GroupMember m : g.members.values()) m.sessionDeadlineMs = now + m.sessionTimeoutMs;
        }
        nextRetentionCheckMs = now + settings.offsetsRetentionCheckIntervalMs();
        log.info("{} group(s) loaded from {} record(s) in {} ms", groups.size(), records, (System.nanoTime() - started) / 1_000_000);
    }

    // ------------------------------------------------------------------------------------------ writes

    /**
     * Appends {@code records} through the runtime; they are applied once durable, after every write appended before
     * them. The future completes once they are applied, exceptionally (with the append's or fsync's error) if they
     * never will be. For records a live transition writes (a stored generation, expired offsets).
     */
    private CompletableFuture<Void> write(List<GroupRecord> records) {
        assert Thread.holdsLock(this) : "appends happen under the monitor, so their order is the log's";
        assert !state.loading : "replay writes nothing";
        return runtime.append(records);
    }

    /**
     * Runs an operation's {@link Result} through the runtime: its records appended, as {@link #write(List)}; the future
     * gives its response once they are applied, or {@code ifFailed}'s answer for the write's error (as Kafka's
     * coordinators answer it: {@link CoordinatorWriteErrors}) if they never will be.
     */
    private <T> CompletableFuture<T> write(Result<GroupRecord, T> result, BiFunction<T, Errors, T> ifFailed) {
        return write(result.records()).handle((ok, err) -> err == null ? result.response()
                : ifFailed.apply(result.response(), CoordinatorWriteErrors.of(err)));
    }

    /** SHA-256 of the replayed state (see {@link GroupStateMachine#digest}); equal to a fresh replay's of the same log. */
    public synchronized String digest() {
        return state.digest();
    }

    /** Completes once every write appended so far is applied or dropped. */
    CompletableFuture<Void> settled() {
        return runtime.settled();
    }

    /** For tests: completes once this coordinator's thread has run everything handed to it so far. */
    CompletableFuture<Void> idle() {
        return CompletableFuture.runAsync(() -> { }, scheduler);
    }

    /**
     * Partitions of {@code groupId} whose committed offset a write in flight may set or delete: its offset
     * records, its transactional offsets, and the pending offsets a transaction's end in flight commits.
     */
    private Set<TopicPartition> inFlightOffsets(String groupId) {
        assert Thread.holdsLock(this);
        Set<TopicPartition> out = new HashSet<>();
        runtime.forEachInFlight(r -> {
            if (!r.groupId().equals(groupId)) return;
            if (r instanceof GroupRecord.Offset o) {
                out.add(new TopicPartition(o.topic(), o.partition()));
            } else if (r instanceof GroupRecord.TxnOffset t) {
                out.add(new TopicPartition(t.topic(), t.partition()));
            } else if (r instanceof GroupRecord.TxnEnd t && t.committed()) {
                Map<Long, Map<TopicPartition, CommittedOffset>> byProducer = pendingTxnOffsets.get(groupId);
                if (byProducer != null && byProducer.containsKey(t.producerId())) out.addAll(byProducer.get(t.producerId()).keySet());
            }
        });
        return out;
    }

    /**
     * Whether a write in flight holds a transactional offset for {@code groupId}: of {@code producerId} (any when
     * -1), of {@code tp} (any when null).
     */
    private boolean txnOffsetInFlight(String groupId, long producerId, TopicPartition tp) {
        return anyInFlight(r -> r instanceof GroupRecord.TxnOffset t && t.groupId().equals(groupId)
                && (producerId < 0 || t.producerId() == producerId)
                && (tp == null || (t.partition() == tp.partition() && t.topic().equals(tp.topic()))));
    }

    /** Whether {@code groupId}'s deletion (a group tombstone) is in flight. */
    private boolean deletionInFlight(String groupId) {
        return anyInFlight(r -> r instanceof GroupRecord.Group s && s.members() == null && s.groupId().equals(groupId));
    }

    private boolean anyInFlight(Predicate<GroupRecord> p) {
        assert Thread.holdsLock(this);
        boolean[] found = {false};
        runtime.forEachInFlight(r -> found[0] |= p.test(r));
        return found[0];
    }

    private static GroupRecord.Group stored(ClassicGroup g) {
        List<GroupRecord.StoredMember> ms = new ArrayList<>();
        for (GroupMember m : g.members.values()) {
            ms.add(new GroupRecord.StoredMember(m.memberId, m.instanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs,
                    m.sessionTimeoutMs, m.metadata(g.protocol), m.assignment));
        }
        return new GroupRecord.Group(g.groupId, g.protocolType, g.protocol, g.generation, g.leaderId, g.stateTimestampMs, ms);
    }

    // ------------------------------------------------------------------------------------------ JoinGroup

    public synchronized CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData req, short version,
                                                                      String clientId, String clientHost) {
        long now = clock.getAsLong();
        String memberId = req.memberId() == null ? JoinGroupRequest.UNKNOWN_MEMBER_ID : req.memberId();
        if (req.groupId() == null || req.groupId().isEmpty()) return joinError(Errors.INVALID_GROUP_ID, memberId, version);
        if (req.sessionTimeoutMs() < settings.sessionTimeoutMsMin() || req.sessionTimeoutMs() > settings.sessionTimeoutMsMax()) {
            return joinError(Errors.INVALID_SESSION_TIMEOUT, memberId, version);
        }
        LinkedHashMap<String, byte[]> protocols = new LinkedHashMap<>();
        for (JoinGroupRequestProtocol p : req.protocols()) protocols.putIfAbsent(p.name(), p.metadata());
        ClassicGroup g = groups.get(req.groupId());
        if (g != null && g.is(GroupState.EMPTY) && deletionInFlight(g.groupId)) {
            return joinError(Errors.COORDINATOR_NOT_AVAILABLE, memberId, version); // see the class comment
        }
        if (g == null) {
            if (!memberId.isEmpty()) return joinError(Errors.UNKNOWN_MEMBER_ID, memberId, version);
            g = new ClassicGroup(req.groupId(), now);
            groups.put(g.groupId, g);
        }
        if (!g.supports(req.protocolType(), protocols.keySet())) return joinError(Errors.INCONSISTENT_GROUP_PROTOCOL, memberId, version);
        int rebalanceTimeoutMs = version == 0 ? req.sessionTimeoutMs() : req.rebalanceTimeoutMs();
        String instanceId = req.groupInstanceId();
        CompletableFuture<JoinGroupResponseData> f = new CompletableFuture<>();
        if (memberId.isEmpty()) {
            if (instanceId != null && g.staticMembers.containsKey(instanceId)) {
                replaceStaticMember(g, g.members.get(g.staticMembers.get(instanceId)), req, version, protocols, rebalanceTimeoutMs, f, now);
            } else if (instanceId == null && JoinGroupRequest.requiresKnownMemberId(req, version)) {
                String id = clientId + "-" + memberIdSuffixes.get();
                g.pendingMembers.put(id, now + req.sessionTimeoutMs());
                f.complete(joinError(Errors.MEMBER_ID_REQUIRED, id, version).join());
            } else {
                String id = (instanceId != null ? instanceId : clientId) + "-" + memberIdSuffixes.get();
                addMemberAndRebalance(g, id, instanceId, clientId, clientHost, req, rebalanceTimeoutMs, protocols, f, now);
            }
            return f;
        }
        if (instanceId != null) {
            String known = g.staticMembers.get(instanceId);
            if (known != null && !known.equals(memberId)) return joinError(Errors.FENCED_INSTANCE_ID, memberId, version);
        }
        if (g.pendingMembers.containsKey(memberId)) {
            addMemberAndRebalance(g, memberId, instanceId, clientId, clientHost, req, rebalanceTimeoutMs, protocols, f, now);
            return f;
        }
        GroupMember m = g.members.get(memberId);
        if (m == null || (instanceId != null && !instanceId.equals(m.instanceId))) return joinError(Errors.UNKNOWN_MEMBER_ID, memberId, version);
        m.sessionDeadlineMs = now + m.sessionTimeoutMs;
        switch (g.state) {
            case PREPARING_REBALANCE -> {
                update(m, req, rebalanceTimeoutMs, protocols);
                awaitJoin(m, f);
                tryCompleteJoin(g, now);
            }
            case COMPLETING_REBALANCE, STABLE -> {
                boolean same = Arrays.equals(m.metadata(g.protocol), protocols.get(g.protocol))
                        && m.protocols.keySet().equals(protocols.keySet());
                if (same && (g.is(GroupState.COMPLETING_REBALANCE) || !memberId.equals(g.leaderId))) {
                    // A retry of a join whose answer was lost, or a follower rejoining unchanged: this generation stands.
                    f.complete(joinAnswer(g, m, version, false));
                } else {
                    update(m, req, rebalanceTimeoutMs, protocols);
                    awaitJoin(m, f);
                    prepareRebalance(g, now, "member " + memberId + " rejoined");
                }
            }
            default -> f.complete(joinError(Errors.UNKNOWN_MEMBER_ID, memberId, version).join());
        }
        return f;
    }

    private static void update(GroupMember m, JoinGroupRequestData req, int rebalanceTimeoutMs, LinkedHashMap<String, byte[]> protocols) {
        m.protocols = protocols;
        m.protocolType = req.protocolType();
        m.rebalanceTimeoutMs = rebalanceTimeoutMs;
        m.sessionTimeoutMs = req.sessionTimeoutMs();
    }

    private static void awaitJoin(GroupMember m, CompletableFuture<JoinGroupResponseData> f) {
        if (m.awaitingJoin != null) m.awaitingJoin.complete(errorJoin(Errors.REBALANCE_IN_PROGRESS, m.memberId, (short) 7));
        m.awaitingJoin = f;
    }

    private void addMemberAndRebalance(ClassicGroup g, String memberId, String instanceId, String clientId, String clientHost,
                                       JoinGroupRequestData req, int rebalanceTimeoutMs, LinkedHashMap<String, byte[]> protocols,
                                       CompletableFuture<JoinGroupResponseData> f, long now) {
        g.pendingMembers.remove(memberId);
        GroupMember m = new GroupMember(memberId, instanceId, clientId, clientHost, rebalanceTimeoutMs, req.sessionTimeoutMs(),
                req.protocolType(), protocols);
        m.sessionDeadlineMs = now + req.sessionTimeoutMs();
        if (g.members.isEmpty()) g.protocolType = req.protocolType();
        g.members.put(memberId, m);
        if (instanceId != null) g.staticMembers.put(instanceId, memberId);
        if (g.leaderId == null) g.leaderId = memberId;
        m.awaitingJoin = f;
        if (g.is(GroupState.PREPARING_REBALANCE)) {
            if (now < g.initialDelayUntilMs) {
                // group.initial.rebalance.delay.ms: each new member of a forming group waits for more, up to the rebalance timeout.
                g.joinDeadlineMs = Math.max(g.joinDeadlineMs, g.stateTimestampMs + g.rebalanceTimeoutMs());
                g.initialDelayUntilMs = Math.min(now + settings.initialRebalanceDelayMs(), g.joinDeadlineMs);
            }
            tryCompleteJoin(g, now);
        } else {
            prepareRebalance(g, now, "member " + memberId + " joined");
        }
    }

    /** Static member restarted (same group.instance.id, no member id): it takes over the old member's place. */
    private void replaceStaticMember(ClassicGroup g, GroupMember old, JoinGroupRequestData req, short version,
                                     LinkedHashMap<String, byte[]> protocols, int rebalanceTimeoutMs,
                                     CompletableFuture<JoinGroupResponseData> f, long now) {
        String newId = old.instanceId + "-" + memberIdSuffixes.get();
        GroupMember m = new GroupMember(newId, old.instanceId, old.clientId, old.clientHost, rebalanceTimeoutMs,
                req.sessionTimeoutMs(), req.protocolType(), protocols);
        m.assignment = old.assignment;
        m.sessionDeadlineMs = now + req.sessionTimeoutMs();
        fence(old);
        // Keep the member's place in the order (leader choice, DescribeGroups).
        LinkedHashMap<String, GroupMember> reordered = new LinkedHashMap<>();
        for (GroupMember x : g.members.values()) reordered.put(x == old ? newId : x.memberId, x == old ? m : x);
        g.members.clear();
        g.members.putAll(reordered);
        g.staticMembers.put(m.instanceId, newId);
        if (old.memberId.equals(g.leaderId)) g.leaderId = newId;
        if (g.pendingSync.remove(old.memberId)) g.pendingSync.add(newId);
        log.info("group {}: static member {} rejoined as {} (was {})", g.groupId, m.instanceId, newId, old.memberId);
        // As Kafka (KIP-345): the restart rebalances only if it would change the group's selected protocol. The
        // subscription bytes are not compared: a client that rejoined before listed its owned partitions and
        // generation there, a restarted one does not, and that alone must not cost the group a rebalance.
        boolean unchanged = g.protocol != null && protocols.containsKey(g.protocol) && g.protocol.equals(g.selectProtocol());
        boolean leader = newId.equals(g.leaderId);
        if (g.is(GroupState.STABLE) && unchanged && (!leader || JoinGroupRequest.supportsSkippingAssignment(version))) {
            // KIP-345: no rebalance. The new member id is stored, then the member gets the current generation.
            int generation = g.generation;
            write(List.of(stored(g))).whenComplete((ok, err) -> {
                synchronized (this) {
                    if (err != null) {
                        f.complete(joinError(Errors.UNKNOWN_SERVER_ERROR, newId, version).join());
                    } else {
                        f.complete(g.generation == generation && g.members.get(newId) == m
                                ? joinAnswer(g, m, version, leader) : errorJoin(Errors.REBALANCE_IN_PROGRESS, newId, version));
                    }
                }
            });
            return;
        }
        m.awaitingJoin = f;
        if (g.is(GroupState.PREPARING_REBALANCE)) tryCompleteJoin(g, now);
        else prepareRebalance(g, now, "static member " + m.instanceId + " rejoined with a new subscription");
    }

    private static void fence(GroupMember old) {
        if (old.awaitingJoin != null) old.awaitingJoin.complete(errorJoin(Errors.FENCED_INSTANCE_ID, old.memberId, (short) 7));
        if (old.awaitingSync != null) old.awaitingSync.complete(syncError(Errors.FENCED_INSTANCE_ID));
        old.awaitingJoin = null;
        old.awaitingSync = null;
    }

    private void prepareRebalance(ClassicGroup g, long now, String reason) {
        if (g.is(GroupState.COMPLETING_REBALANCE)) {
            for (GroupMember m : g.members.values()) {
                if (m.awaitingSync != null) m.awaitingSync.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
                m.awaitingSync = null;
            }
            g.pendingSync.clear();
        }
        boolean fromEmpty = g.is(GroupState.EMPTY);
        g.transition(GroupState.PREPARING_REBALANCE, now);
        g.joinDeadlineMs = now + g.rebalanceTimeoutMs();
        g.initialDelayUntilMs = fromEmpty ? Math.min(now + settings.initialRebalanceDelayMs(), g.joinDeadlineMs) : 0;
        log.info("group {}: preparing rebalance of generation {} ({})", g.groupId, g.generation, reason);
        tryCompleteJoin(g, now);
    }

    private void tryCompleteJoin(ClassicGroup g, long now) {
        if (!g.is(GroupState.PREPARING_REBALANCE) || now < g.initialDelayUntilMs) return;
        if (!g.allMembersJoined() && now < g.joinDeadlineMs) return;
        for (Iterator<GroupMember> it = g.members.values().iterator(); it.hasNext(); ) {
            GroupMember m = it.next();
            if (m.awaitingJoin == null) { // did not rejoin within the rebalance timeout
                log.info("group {}: removing member {} (did not rejoin within {} ms)", g.groupId, m.memberId, g.rebalanceTimeoutMs());
                it.remove();
                if (m.isStatic()) g.staticMembers.remove(m.instanceId);
            }
        }
        g.pendingMembers.clear();
        g.generation++;
        if (g.members.isEmpty()) {
            g.protocol = null;
            g.leaderId = null;
            g.transition(GroupState.EMPTY, now);
            write(List.of(stored(g)));
            log.info("group {}: empty at generation {}", g.groupId, g.generation);
            return;
        }
        g.protocolType = g.members.values().iterator().next().protocolType;
        g.protocol = g.selectProtocol();
        if (g.leaderId == null || !g.members.containsKey(g.leaderId)) g.leaderId = g.members.keySet().iterator().next();
        g.transition(GroupState.COMPLETING_REBALANCE, now);
        g.syncDeadlineMs = now + g.rebalanceTimeoutMs();
        g.pendingSync.clear();
        g.pendingSync.addAll(g.members.keySet());
        log.info("group {}: generation {} with {} member(s), protocol {}, leader {}", g.groupId, g.generation,
                g.members.size(), g.protocol, g.leaderId);
        for (GroupMember m : g.members.values()) {
            CompletableFuture<JoinGroupResponseData> f = m.awaitingJoin;
            m.awaitingJoin = null;
            m.sessionDeadlineMs = now + m.sessionTimeoutMs;
            f.complete(joinAnswer(g, m, (short) 9, false));
        }
    }

    /** The JoinGroup answer for {@code m} in the current generation; the leader gets every member's subscription. */
    private static JoinGroupResponseData joinAnswer(ClassicGroup g, GroupMember m, short version, boolean skipAssignment) {
        JoinGroupResponseData r = new JoinGroupResponseData().setGenerationId(g.generation).setProtocolType(g.protocolType)
                .setProtocolName(g.protocol).setLeader(g.leaderId).setMemberId(m.memberId).setSkipAssignment(skipAssignment);
        if (m.memberId.equals(g.leaderId)) {
            for (GroupMember x : g.members.values()) {
                r.members().add(new JoinGroupResponseMember().setMemberId(x.memberId).setGroupInstanceId(x.instanceId)
                        .setMetadata(x.metadata(g.protocol)));
            }
        }
        return r;
    }

    private static CompletableFuture<JoinGroupResponseData> joinError(Errors e, String memberId, short version) {
        return CompletableFuture.completedFuture(errorJoin(e, memberId, version));
    }

    /** Error answer; fields nullable only from v7 get "" before (the handler fixes the version-specific shape). */
    static JoinGroupResponseData errorJoin(Errors e, String memberId, short version) {
        return new JoinGroupResponseData().setErrorCode(e.code()).setGenerationId(JoinGroupRequest.UNKNOWN_GENERATION_ID)
                .setProtocolName(null).setProtocolType(null).setLeader("").setMemberId(memberId);
    }

    // ------------------------------------------------------------------------------------------ SyncGroup

    public synchronized CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData req) {
        long now = clock.getAsLong();
        ClassicGroup g = groups.get(req.groupId());
        Errors e = validateMember(g, req.memberId(), req.groupInstanceId(), req.generationId());
        if (e != Errors.NONE) return CompletableFuture.completedFuture(syncError(e));
        if ((req.protocolType() != null && !req.protocolType().equals(g.protocolType))
                || (req.protocolName() != null && !req.protocolName().equals(g.protocol))) {
            return CompletableFuture.completedFuture(syncError(Errors.INCONSISTENT_GROUP_PROTOCOL));
        }
        GroupMember m = g.members.get(req.memberId());
        m.sessionDeadlineMs = now + m.sessionTimeoutMs;
        switch (g.state) {
            case PREPARING_REBALANCE:
                return CompletableFuture.completedFuture(syncError(Errors.REBALANCE_IN_PROGRESS));
            case STABLE:
                return CompletableFuture.completedFuture(syncAnswer(g, m));
            case COMPLETING_REBALANCE:
                break;
            default:
                return CompletableFuture.completedFuture(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        CompletableFuture<SyncGroupResponseData> f = new CompletableFuture<>();
        if (m.awaitingSync != null) m.awaitingSync.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
        m.awaitingSync = f;
        g.pendingSync.remove(m.memberId);
        if (m.memberId.equals(g.leaderId)) {
            Map<String, byte[]> given = new HashMap<>();
            for (SyncGroupRequestAssignment a : req.assignments()) given.put(a.memberId(), a.assignment());
            for (GroupMember x : g.members.values()) x.assignment = given.getOrDefault(x.memberId, new byte[0]);
            g.transition(GroupState.STABLE, now);
            int generation = g.generation;
            write(List.of(stored(g))).whenComplete((ok, err) -> {
                synchronized (this) {
                    if (g.generation != generation) return; // a newer rebalance already answered the waiters
                    for (GroupMember x : g.members.values()) {
                        if (x.awaitingSync == null) continue;
                        x.awaitingSync.complete(err == null ? syncAnswer(g, x) : syncError(CoordinatorWriteErrors.of(err)));
                        x.awaitingSync = null;
                    }
                    if (err != null) {
                        log.warn("group {}: storing generation {} failed: {}", g.groupId, generation, err.toString());
                        prepareRebalance(g, clock.getAsLong(), "storing the assignment failed");
                    }
                }
            });
        }
        return f;
    }

    private static SyncGroupResponseData syncAnswer(ClassicGroup g, GroupMember m) {
        return new SyncGroupResponseData().setProtocolType(g.protocolType).setProtocolName(g.protocol).setAssignment(m.assignment);
    }

    static SyncGroupResponseData syncError(Errors e) {
        return new SyncGroupResponseData().setErrorCode(e.code()).setProtocolType(null).setProtocolName(null).setAssignment(new byte[0]);
    }

    /**
     * Kafka's member checks, in its order: unknown group or member (UNKNOWN_MEMBER_ID), another member holding
     * the instance id (FENCED_INSTANCE_ID), another generation (ILLEGAL_GENERATION), an Empty group.
     */
    private static Errors validateMember(ClassicGroup g, String memberId, String instanceId, int generation) {
        if (g == null) return Errors.UNKNOWN_MEMBER_ID;
        if (instanceId != null) {
            String known = g.staticMembers.get(instanceId);
            if (known != null && !known.equals(memberId)) return Errors.FENCED_INSTANCE_ID;
        }
        GroupMember m = g.members.get(memberId);
        if (m == null) return Errors.UNKNOWN_MEMBER_ID;
        if (generation != g.generation) return Errors.ILLEGAL_GENERATION;
        return Errors.NONE;
    }

    // ------------------------------------------------------------------------------------------ Heartbeat

    public synchronized Errors heartbeat(HeartbeatRequestData req) {
        long now = clock.getAsLong();
        ClassicGroup g = groups.get(req.groupId());
        Errors e = validateMember(g, req.memberId(), req.groupInstanceId(), req.generationId());
        if (e != Errors.NONE) return e;
        GroupMember m = g.members.get(req.memberId());
        m.sessionDeadlineMs = now + m.sessionTimeoutMs;
        return g.is(GroupState.PREPARING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    // ------------------------------------------------------------------------------------------ LeaveGroup

    /** Removes each member (by member id, or by instance id when the member id is empty). Null: unknown group. */
    public synchronized List<MemberResponse> leave(String groupId, List<MemberIdentity> leaving) {
        long now = clock.getAsLong();
        ClassicGroup g = groups.get(groupId);
        if (g == null) return null;
        List<MemberResponse> out = new ArrayList<>();
        boolean removed = false;
        for (MemberIdentity id : leaving) {
            MemberResponse r = new MemberResponse().setMemberId(id.memberId()).setGroupInstanceId(id.groupInstanceId());
            out.add(r);
            String memberId = id.memberId();
            if (id.groupInstanceId() != null) {
                String known = g.staticMembers.get(id.groupInstanceId());
                if (known == null) {
                    r.setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
                    continue;
                }
                if (!memberId.isEmpty() && !memberId.equals(known)) {
                    r.setErrorCode(Errors.FENCED_INSTANCE_ID.code());
                    continue;
                }
                memberId = known;
            }
            if (g.pendingMembers.remove(memberId) != null) continue;
            GroupMember m = g.members.get(memberId);
            if (m == null) {
                r.setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
                continue;
            }
            log.info("group {}: member {} left{}", groupId, memberId, id.reason() == null ? "" : " (" + id.reason() + ")");
            removeMember(g, m);
            removed = true;
        }
        if (removed) membersRemoved(g, now, "members left");
        else if (g.is(GroupState.PREPARING_REBALANCE)) tryCompleteJoin(g, now);
        return out;
    }

    private static void removeMember(ClassicGroup g, GroupMember m) {
        g.members.remove(m.memberId);
        if (m.isStatic() && m.memberId.equals(g.staticMembers.get(m.instanceId))) g.staticMembers.remove(m.instanceId);
        g.pendingSync.remove(m.memberId);
        if (m.awaitingJoin != null) m.awaitingJoin.complete(errorJoin(Errors.UNKNOWN_MEMBER_ID, m.memberId, (short) 7));
        if (m.awaitingSync != null) m.awaitingSync.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
        m.awaitingJoin = null;
        m.awaitingSync = null;
        if (m.memberId.equals(g.leaderId)) g.leaderId = g.members.isEmpty() ? null : g.members.keySet().iterator().next();
    }

    private void membersRemoved(ClassicGroup g, long now, String reason) {
        switch (g.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(g, now, reason);
            case PREPARING_REBALANCE -> tryCompleteJoin(g, now);
            default -> { }
        }
    }

    // ------------------------------------------------------------------------------------------ offsets

    /**
     * OffsetCommit. Generation -1 with no member: an admin or standalone commit, accepted only while the group
     * has no members (Kafka's rule). Otherwise the member must belong to the current generation.
     */
    public synchronized CompletableFuture<PartitionErrors> commit(String groupId, int generation, String memberId, String instanceId,
                                                                  Map<TopicPartition, CommittedOffset> offsets) {
        long now = clock.getAsLong();
        ClassicGroup g = groups.get(groupId);
        Errors e = Errors.NONE;
        if (groupId == null || groupId.isEmpty()) {
            e = Errors.INVALID_GROUP_ID;
        } else if (g == null) {
            if (generation >= 0) e = Errors.ILLEGAL_GENERATION; // the group is gone: members must rejoin
        } else if (!(generation < 0 && g.is(GroupState.EMPTY))) {
            e = validateMember(g, memberId, instanceId, generation);
            if (e == Errors.NONE && g.is(GroupState.COMPLETING_REBALANCE)) e = Errors.REBALANCE_IN_PROGRESS;
            if (e == Errors.NONE) {
                GroupMember m = g.members.get(memberId);
                m.sessionDeadlineMs = now + m.sessionTimeoutMs;
            }
        }
        if (e != Errors.NONE) return CompletableFuture.completedFuture(new PartitionErrors(e, Map.of()));
        // A new group (g null) appears when the first offset record is applied, durable.
        return writeOffsets(offsets, now, (tp, c) -> new GroupRecord.Offset(groupId, tp.topic(), tp.partition(), c));
    }

    /**
     * Writes one record per offset ({@code record}), refusing a metadata string over {@value
     * io.ledgerline.log.Limits#OFFSET_METADATA_BYTES_MAX} characters (OFFSET_METADATA_TOO_LARGE, nothing written for that partition); the
     * answer per partition once the records are applied, or the write's error if they never will be.
     */
    private CompletableFuture<PartitionErrors> writeOffsets(Map<TopicPartition, CommittedOffset> offsets, long now,
                                                            BiFunction<TopicPartition, CommittedOffset, GroupRecord> record) {
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        List<GroupRecord> records = new ArrayList<>();
        for (Map.Entry<TopicPartition, CommittedOffset> o : offsets.entrySet()) {
            String metadata = o.getValue().metadata() == null ? "" : o.getValue().metadata();
            if (metadata.length() > Limits.OFFSET_METADATA_BYTES_MAX) {
                result.put(o.getKey(), Errors.OFFSET_METADATA_TOO_LARGE);
                continue;
            }
            result.put(o.getKey(), Errors.NONE);
            records.add(record.apply(o.getKey(), new CommittedOffset(o.getValue().offset(), o.getValue().leaderEpoch(), metadata, now)));
        }
        return write(Result.of(records, new PartitionErrors(Errors.NONE, result)), (answer, writeError) -> {
            Map<TopicPartition, Errors> failed = new LinkedHashMap<>();
            answer.partitions().forEach((tp, x) -> failed.put(tp, x == Errors.NONE ? writeError : x));
            return new PartitionErrors(Errors.NONE, failed);
        });
    }

    /**
     * TxnOffsetCommit: offsets committed in {@code producerId}'s transaction, pending (invisible to OffsetFetch)
     * until {@link #completeTxn}. With a member id or a generation (the consumer's group metadata, KIP-447) the
     * member must belong to the group's current generation, so a consumer fenced by a rebalance cannot commit;
     * without (generation -1, no member) the commit is accepted as Kafka accepts it.
     */
    public synchronized CompletableFuture<PartitionErrors> txnCommit(String groupId, long producerId, int generation, String memberId,
                                                                     String instanceId, Map<TopicPartition, CommittedOffset> offsets) {
        long now = clock.getAsLong();
        ClassicGroup g = groups.get(groupId);
        Errors e = Errors.NONE;
        boolean member = memberId != null && !memberId.isEmpty();
        if (groupId == null || groupId.isEmpty()) {
            e = Errors.INVALID_GROUP_ID;
        } else if (member || generation >= 0) {
            if (g == null) e = Errors.ILLEGAL_GENERATION;
            else if (member) e = validateMember(g, memberId, instanceId, generation < 0 ? g.generation : generation);
            else if (generation != g.generation) e = Errors.ILLEGAL_GENERATION;
        }
        if (e != Errors.NONE) return CompletableFuture.completedFuture(new PartitionErrors(e, Map.of()));
        return writeOffsets(offsets, now, (tp, c) -> new GroupRecord.TxnOffset(producerId, groupId, tp.topic(), tp.partition(), c));
    }

    /**
     * The transaction of {@code producerId} ended: its pending offsets in {@code groupIds} become committed
     * ({@code committed}) or are dropped. Idempotent: a group without pending offsets of the producer (applied or
     * in flight) gets no record. The future completes when the records are durable and applied.
     */
    public synchronized CompletableFuture<Void> completeTxn(long producerId, Collection<String> groupIds, boolean committed) {
        List<GroupRecord> records = new ArrayList<>();
        for (String groupId : groupIds) {
            Map<Long, Map<TopicPartition, CommittedOffset>> byProducer = pendingTxnOffsets.get(groupId);
            if ((byProducer != null && byProducer.containsKey(producerId)) || txnOffsetInFlight(groupId, producerId, null)) {
                records.add(new GroupRecord.TxnEnd(producerId, groupId, committed));
            }
        }
        return write(records);
    }

    /**
     * True when an ongoing transaction has committed an offset of {@code tp} for the group (OffsetFetch
     * requireStable), or such a commit is in flight: the answer is a retry, never a value, so counting one that
     * may still fail is the safe side.
     */
    public synchronized boolean hasPendingTxnOffset(String groupId, TopicPartition tp) {
        Map<Long, Map<TopicPartition, CommittedOffset>> byProducer = pendingTxnOffsets.get(groupId);
        if (byProducer != null) {
            for (Map<TopicPartition, CommittedOffset> m : byProducer.values()) if (m.containsKey(tp)) return true;
        }
        return txnOffsetInFlight(groupId, -1, tp);
    }

    /**
     * What OffsetFetch answers for {@code partitions}, read at one instant (under this monitor): their committed
     * offsets and, with {@code requireStable}, those an ongoing transaction has committed ({@link
     * #hasPendingTxnOffset}). Read in two calls, a transaction ending in between could give the old offset
     * without UNSTABLE_OFFSET_COMMIT.
     */
    public synchronized Fetched fetch(String groupId, Collection<TopicPartition> partitions, boolean requireStable) {
        Set<TopicPartition> unstable = new HashSet<>();
        if (requireStable) {
            for (TopicPartition tp : partitions) if (hasPendingTxnOffset(groupId, tp)) unstable.add(tp);
        }
        return new Fetched(committed(groupId, partitions), unstable);
    }

    /** {@link #fetch}'s answer: committed offsets (missing ones absent) and the partitions to answer UNSTABLE_OFFSET_COMMIT. */
    public record Fetched(Map<TopicPartition, CommittedOffset> committed, Set<TopicPartition> unstable) {}

    /** Committed offsets of {@code groupId}: of {@code partitions}, or every one when null. Missing ones are absent. */
    public synchronized Map<TopicPartition, CommittedOffset> committed(String groupId, Collection<TopicPartition> partitions) {
        Map<TopicPartition, CommittedOffset> out = new LinkedHashMap<>();
        ClassicGroup g = groups.get(groupId);
        if (g == null) return out;
        if (partitions == null) {
            g.offsets.forEach((t, ps) -> ps.forEach((p, o) -> out.put(new TopicPartition(t, p), o)));
        } else {
            for (TopicPartition tp : partitions) {
                Map<Integer, CommittedOffset> ps = g.offsets.get(tp.topic());
                CommittedOffset o = ps == null ? null : ps.get(tp.partition());
                if (o != null) out.put(tp, o);
            }
        }
        return out;
    }

    /** OffsetDelete: refused for topics the live members subscribe to (GROUP_SUBSCRIBED_TO_TOPIC). */
    public synchronized CompletableFuture<PartitionErrors> deleteOffsets(String groupId, Collection<TopicPartition> partitions) {
        ClassicGroup g = groups.get(groupId);
        if (g == null) return CompletableFuture.completedFuture(new PartitionErrors(Errors.GROUP_ID_NOT_FOUND, Map.of()));
        Set<String> subscribed = g.is(GroupState.EMPTY) ? Set.of() : g.subscribedTopics();
        if (subscribed == null) return CompletableFuture.completedFuture(new PartitionErrors(Errors.NON_EMPTY_GROUP, Map.of()));
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        List<GroupRecord> records = new ArrayList<>();
        Set<TopicPartition> busy = inFlightOffsets(groupId); // a commit in flight is deleted too: it is before us in the log
        for (TopicPartition tp : partitions) {
            if (subscribed.contains(tp.topic())) {
                result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                continue;
            }
            result.put(tp, Errors.NONE);
            Map<Integer, CommittedOffset> ps = g.offsets.get(tp.topic());
            if ((ps != null && ps.containsKey(tp.partition())) || busy.contains(tp)) {
                records.add(new GroupRecord.Offset(groupId, tp.topic(), tp.partition(), null));
            }
        }
        return write(Result.of(records, new PartitionErrors(Errors.NONE, result)), (answer, writeError) -> new PartitionErrors(writeError, Map.of()));
    }

    // ------------------------------------------------------------------------------------------ admin

    /** ListGroups: every group, optionally only those in {@code states} (Kafka's names, any case). */
    public synchronized List<ListedGroup> list(Collection<String> states) {
        List<ListedGroup> out = new ArrayList<>();
        for (ClassicGroup g : groups.values()) {
            if (!states.isEmpty() && states.stream().noneMatch(s -> s.equalsIgnoreCase(g.state.kafkaName))) continue;
            out.add(new ListedGroup().setGroupId(g.groupId).setProtocolType(g.protocolType == null ? "" : g.protocolType)
                    .setGroupState(g.state.kafkaName).setGroupType("classic"));
        }
        return out;
    }

    /** DescribeGroups for one group; null when it does not exist. Metadata and assignments only when Stable. */
    public synchronized DescribedGroup describe(String groupId) {
        ClassicGroup g = groups.get(groupId);
        if (g == null) return null;
        boolean stable = g.is(GroupState.STABLE);
        DescribedGroup d = new DescribedGroup().setGroupId(groupId).setGroupState(g.state.kafkaName)
                .setProtocolType(g.protocolType == null ? "" : g.protocolType)
                .setProtocolData(stable && g.protocol != null ? g.protocol : "");
        for (GroupMember m : g.members.values()) {
            d.members().add(new DescribedGroupMember().setMemberId(m.memberId).setGroupInstanceId(m.instanceId)
                    .setClientId(m.clientId).setClientHost(m.clientHost)
                    .setMemberMetadata(stable ? m.metadata(g.protocol) : new byte[0])
                    .setMemberAssignment(stable ? m.assignment : new byte[0]));
        }
        return d;
    }

    /**
     * DeleteGroups for one group: only an Empty group (NON_EMPTY_GROUP otherwise); its offsets go with it. The group
     * stays visible until the deletion is durable; COORDINATOR_NOT_AVAILABLE while another deletion of it is in flight.
     */
    public synchronized CompletableFuture<Errors> delete(String groupId) {
        ClassicGroup g = groups.get(groupId);
        if (g == null) return CompletableFuture.completedFuture(Errors.GROUP_ID_NOT_FOUND);
        if (!g.is(GroupState.EMPTY)) return CompletableFuture.completedFuture(Errors.NON_EMPTY_GROUP);
        if (deletionInFlight(groupId)) return CompletableFuture.completedFuture(Errors.COORDINATOR_NOT_AVAILABLE);
        return write(Result.of(deletion(g), Errors.NONE), (answer, writeError) -> writeError);
    }

    /**
     * The records deleting {@code g}: a tombstone for every offset, applied or in flight (a group tombstone alone
     * would do at replay, but a compacted log keeps an offset record that has no tombstone), then the group's.
     */
    private List<GroupRecord> deletion(ClassicGroup g) {
        Set<TopicPartition> offsets = inFlightOffsets(g.groupId);
        g.offsets.forEach((t, ps) -> ps.keySet().forEach(p -> offsets.add(new TopicPartition(t, p))));
        List<GroupRecord> records = new ArrayList<>();
        for (TopicPartition tp : offsets) records.add(new GroupRecord.Offset(g.groupId, tp.topic(), tp.partition(), null));
        records.add(new GroupRecord.Group(g.groupId, null, null, 0, null, 0, null));
        return records;
    }

    // ------------------------------------------------------------------------------------------ time

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException | AssertionError e) {
            log.error("group coordinator tick failed", e);
        }
    }

    /** Expires sessions, pending member ids, join and sync deadlines, and old offsets. */
    synchronized void tick() {
        long now = clock.getAsLong();
        for (ClassicGroup g : List.copyOf(groups.values())) {
            g.pendingMembers.values().removeIf(deadline -> deadline <= now);
            List<GroupMember> expired = new ArrayList<>();
            for (GroupMember m : g.members.values()) {
                if (m.awaitingJoin == null && m.awaitingSync == null && m.sessionDeadlineMs <= now) expired.add(m);
            }
            for (GroupMember m : expired) {
                log.info("group {}: member {} session expired ({} ms without a heartbeat)", g.groupId, m.memberId, m.sessionTimeoutMs);
                removeMember(g, m);
            }
            if (!expired.isEmpty()) membersRemoved(g, now, "session expired");
            if (g.is(GroupState.PREPARING_REBALANCE)) tryCompleteJoin(g, now);
            if (g.is(GroupState.COMPLETING_REBALANCE) && now >= g.syncDeadlineMs) {
                List<GroupMember> late = new ArrayList<>();
                for (String id : g.pendingSync) late.add(g.members.get(id));
                for (GroupMember m : late) {
                    log.info("group {}: removing member {} (no SyncGroup within {} ms)", g.groupId, m.memberId, g.rebalanceTimeoutMs());
                    removeMember(g, m);
                }
                prepareRebalance(g, now, "members missed the sync deadline");
            }
        }
        if (now >= nextRetentionCheckMs) {
            nextRetentionCheckMs = now + settings.offsetsRetentionCheckIntervalMs();
            expireOffsets(now);
        }
    }

    /**
     * offsets.retention.minutes, Kafka's rule: an Empty group's offsets expire once the group has been empty
     * that long (a group that never had members: counted from each commit); a group with members keeps the
     * offsets of topics it subscribes to, and loses others' the same time after their commit. A group left
     * with no offsets and no members is deleted. A partition with a write in flight is left for the next check
     * (its tombstone would follow that write in the log and delete it), and so is a group being deleted.
     * The offsets stay visible until their tombstones are durable.
     */
    private void expireOffsets(long now) {
        long retention = settings.offsetsRetentionMs();
        for (ClassicGroup g : List.copyOf(groups.values())) {
            Set<String> keep = g.is(GroupState.EMPTY) ? Set.of() : g.subscribedTopics();
            if (keep == null || deletionInFlight(g.groupId)) continue;
            Set<TopicPartition> busy = inFlightOffsets(g.groupId);
            List<GroupRecord> records = new ArrayList<>();
            g.offsets.forEach((t, ps) -> {
                if (keep.contains(t)) return;
                ps.forEach((p, o) -> {
                    long base = g.is(GroupState.EMPTY) && g.protocolType != null ? Math.max(g.stateTimestampMs, o.commitTimestampMs()) : o.commitTimestampMs();
                    if (base + retention <= now && !busy.contains(new TopicPartition(t, p))) records.add(new GroupRecord.Offset(g.groupId, t, p, null));
                });
            });
            boolean empty = g.is(GroupState.EMPTY) && g.pendingMembers.isEmpty() && busy.isEmpty();
            if (records.isEmpty() && !(empty && g.offsets.isEmpty())) continue;
            if (!records.isEmpty()) log.info("group {}: {} committed offset(s) expired", g.groupId, records.size());
            boolean nothingLeft = empty && records.size() == countOffsets(g);
            String groupId = g.groupId;
            write(nothingLeft ? deletion(g) : records).whenComplete((ok, err) -> {
                if (err != null) log.warn("group {}: expired offsets kept for now: their tombstones could not be written: {}", groupId, err.toString());
            });
        }
    }

    private static int countOffsets(ClassicGroup g) {
        int n = 0;
        for (Map<Integer, CommittedOffset> ps : g.offsets.values()) n += ps.size();
        return n;
    }

    @Override
    public void close() {
        runtime.close(() -> new CoordinatorNotAvailableException("the group coordinator is shutting down"));
        scheduler.shutdownNow();
    }
}

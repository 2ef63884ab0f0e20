package io.ledgerline.broker.group;

import io.ledgerline.broker.coordinator.LocalInternalLog;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.Seeded;
import io.ledgerline.log.io.FileOpener;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replay is deterministic and is the whole of the logged state: a seeded random workload (members joining,
 * syncing, heartbeating, leaving and expiring; static members restarting; member, admin and transactional commits;
 * transactions ending; offset and group deletions; offsets expiring) runs through the group coordinator over a real
 * offsets log, and at checkpoints, once every write is applied, {@link GroupCoordinator#digest} (committed offsets,
 * pending transactional offsets, stored generations, which groups the log has) equals the digest of a fresh
 * {@link GroupStateMachine} replaying the same log; midway and at the end the coordinator is restarted over the
 * reopened log and must show the same digest again. Member ids come from a counter, so a seed replays the same
 * decisions ({@code -Dledgerline.seed=N}).
 */
class ReplayedGroupStateHasTheLiveDigestTest {
    static final long RETENTION_MS = 20_000;
    static final int SESSION_MS = 5000;
    static final List<String> GROUPS = List.of("a", "b", "c");
    static final List<String> TOPICS = List.of("t", "u");
    static final List<TopicPartition> PARTITIONS = List.of(new TopicPartition("t", 0), new TopicPartition("t", 1), new TopicPartition("u", 0));

    @RegisterExtension
    final Seeded seeded = new Seeded();
    @TempDir
    Path dir;

    final AtomicLong now = new AtomicLong(1_000_000);
    final Thread driver = Thread.currentThread();
    /**
     * The coordinator's clock: the test's time on the test's thread; on the coordinator's own tick thread no time ever
     * passes, so every timer fires in the test's {@link GroupCoordinator#tick} calls, at steps the seed decides.
     */
    final LongSupplier clock = () -> Thread.currentThread() == driver ? now.get() : Long.MIN_VALUE;
    final AtomicLong ids = new AtomicLong();
    LogManager logs;
    LocalInternalLog<GroupRecord> offsetsLog;
    GroupCoordinator coordinator;
    /** Per group, each member's last successful JoinGroup answer (completed on the test's or the coordinator's thread). */
    final Map<String, Map<String, JoinGroupResponseData>> joined = new ConcurrentHashMap<>();

    private void open() throws Exception {
        logs = new LogManager(new LogManager.Settings(dir, true, 1, 1000, 300_000, 0), FileOpener.DEFAULT, System::currentTimeMillis);
        offsetsLog = OffsetsLog.open(logs, now::get);
        coordinator = new GroupCoordinator(offsetsLog, new GroupCoordinator.Settings(0, 1000, 60_000, RETENTION_MS, 1000), clock,
                () -> "m" + ids.incrementAndGet());
    }

    private void closeAll() {
        if (coordinator != null) coordinator.close();
        if (logs != null) logs.close();
        coordinator = null;
        logs = null;
    }

    @AfterEach
    void close() {
        closeAll();
    }

    /** The digest of a state machine that replays the offsets log from its start, as a restart does. */
    private String replayedDigest() {
        GroupStateMachine fresh = new GroupStateMachine();
        fresh.loading = true;
        offsetsLog.replay(fresh::replay);
        return fresh.digest();
    }

    /** Once every write so far is applied or dropped, the live digest is the replay's. */
    private String assertLiveIsReplay(String where) throws Exception {
        coordinator.settled().get(10, TimeUnit.SECONDS);
        String live = coordinator.digest();
        assertThat(live).as(where + ": the live state's digest is a fresh replay's of the same log").isEqualTo(replayedDigest());
        return live;
    }

    @Test
    void aFreshReplayOfTheLogHasTheLiveStatesDigest() throws Exception {
        Random random = seeded.random();
        open();
        for (int step = 0; step < 600; step++) {
            step(random);
            if (random.nextInt(8) == 0) coordinator.settled().get(10, TimeUnit.SECONDS); // else writes overlap
            if (step % 50 == 49) assertLiveIsReplay("step " + step);
            if (step == 299) restart("midway");
        }
        String end = restart("at the end");
        assertThat(end).as("the workload left state").isNotEqualTo(new GroupStateMachine().digest());
        Map<String, Integer> kinds = new TreeMap<>();
        offsetsLog.replay(r -> kinds.merge(kind(r), 1, Integer::sum));
        assertThat(kinds).as("the workload wrote every kind of record").containsOnlyKeys(
                "offset", "offset tombstone", "stored generation", "group tombstone", "transactional offset", "transaction end");
    }

    private static String kind(GroupRecord r) {
        if (r instanceof GroupRecord.Offset o) return o.value() == null ? "offset tombstone" : "offset";
        if (r instanceof GroupRecord.Group s) return s.members() == null ? "group tombstone" : "stored generation";
        return r instanceof GroupRecord.TxnOffset ? "transactional offset" : "transaction end";
    }

    /** Closes and reopens log and coordinator; the reopened one shows the digest the closed one had. */
    private String restart(String where) throws Exception {
        String live = assertLiveIsReplay(where + ", before the restart");
        closeAll();
        open();
        assertThat(coordinator.digest()).as(where + ": after a restart").isEqualTo(live);
        return live;
    }

    private void step(Random random) throws Exception {
        String g = GROUPS.get(random.nextInt(GROUPS.size()));
        TopicPartition tp = PARTITIONS.get(random.nextInt(PARTITIONS.size()));
        long pid = 1 + random.nextInt(2);
        List<String> members = new ArrayList<>(joined.computeIfAbsent(g, x -> new ConcurrentHashMap<>()).keySet());
        members.sort(null);
        String member = members.isEmpty() ? null : members.get(random.nextInt(members.size()));
        int op = random.nextInt(100);
        if (op < 10) {
            newMember(g, random);
        } else if (op < 14) {
            join(g, "", "static-" + g + "-" + random.nextInt(2), random); // a static member (re)starting
        } else if (op < 20 && member != null) {
            join(g, member, null, random);
        } else if (op < 32 && member != null) {
            sync(g, member, random);
        } else if (op < 38 && member != null) {
            JoinGroupResponseData j = joined.get(g).get(member);
            if (j != null) coordinator.heartbeat(new HeartbeatRequestData().setGroupId(g).setMemberId(member).setGenerationId(j.generationId()));
        } else if (op < 41 && member != null) {
            coordinator.leave(g, List.of(new MemberIdentity().setMemberId(member)));
            joined.get(g).remove(member);
        } else if (op < 50 && member != null) {
            JoinGroupResponseData j = joined.get(g).get(member);
            if (j != null) coordinator.commit(g, j.generationId(), member, null, Map.of(tp, offset(random)));
        } else if (op < 58) {
            coordinator.commit(g, -1, "", null, Map.of(tp, offset(random))); // admin commit: only while Empty
        } else if (op < 66) {
            coordinator.txnCommit(g, pid, -1, null, null, Map.of(tp, offset(random)));
        } else if (op < 72) {
            coordinator.completeTxn(pid, GROUPS, random.nextBoolean());
        } else if (op < 76) {
            coordinator.deleteOffsets(g, List.of(tp));
        } else if (op < 79) {
            coordinator.delete(g);
        } else if (op < 95) {
            now.addAndGet(random.nextInt(4000));
            coordinator.tick();
        }
    }

    private CommittedOffset offset(Random random) {
        return new CommittedOffset(random.nextInt(1000), random.nextInt(3) - 1, random.nextBoolean() ? "" : "m" + random.nextInt(5), 0);
    }

    /** A dynamic member's first join: MEMBER_ID_REQUIRED, then the join with the id it was given. */
    private void newMember(String g, Random random) throws Exception {
        JoinGroupResponseData first = coordinator.join(joinRequest(g, "", null, random), (short) 9, "client", "/127.0.0.1").get();
        if (first.errorCode() == Errors.MEMBER_ID_REQUIRED.code()) join(g, first.memberId(), null, random);
    }

    private void join(String g, String memberId, String instanceId, Random random) {
        coordinator.join(joinRequest(g, memberId, instanceId, random), (short) 9, "client", "/127.0.0.1").whenComplete((r, err) -> {
            if (err != null) return;
            Map<String, JoinGroupResponseData> ms = joined.computeIfAbsent(g, x -> new ConcurrentHashMap<>());
            if (r.errorCode() == Errors.NONE.code()) ms.put(r.memberId(), r);
            else if (!memberId.isEmpty() && r.errorCode() != Errors.REBALANCE_IN_PROGRESS.code()) ms.remove(memberId);
        });
    }

    private static JoinGroupRequestData joinRequest(String g, String memberId, String instanceId, Random random) {
        List<String> topics = random.nextBoolean() ? List.of("t") : List.of("t", "u");
        byte[] subscription = Utils.toArray(ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(topics)));
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(subscription));
        return new JoinGroupRequestData().setGroupId(g).setMemberId(memberId).setGroupInstanceId(instanceId).setProtocolType("consumer")
                .setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(SESSION_MS).setProtocols(protocols);
    }

    /** SyncGroup for the member's last generation; as the leader it hands every member of it an assignment. */
    private void sync(String g, String member, Random random) {
        JoinGroupResponseData j = joined.get(g).get(member);
        if (j == null) return;
        List<SyncGroupRequestAssignment> assignments = new ArrayList<>();
        for (JoinGroupResponseMember m : j.members()) {
            byte[] assignment = new byte[random.nextInt(4)];
            random.nextBytes(assignment);
            assignments.add(new SyncGroupRequestAssignment().setMemberId(m.memberId()).setAssignment(assignment));
        }
        coordinator.sync(new SyncGroupRequestData().setGroupId(g).setMemberId(member).setGenerationId(j.generationId())
                .setProtocolType("consumer").setProtocolName("range")
                .setAssignments(assignments));
    }
}

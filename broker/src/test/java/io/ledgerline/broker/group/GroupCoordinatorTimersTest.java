package io.ledgerline.broker.group;

import io.ledgerline.log.FaultInjectingDisk;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.io.FileOpener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordinator's timers on a manual clock (its own tick thread sees the same clock, so nothing fires
 * before the test moves time): the initial rebalance delay and its bound, removal of a member that does not
 * rejoin within the rebalance timeout, session expiry, and offsets.retention.minutes, across a replay.
 */
class GroupCoordinatorTimersTest {
    static final long DELAY_MS = 3000;
    static final long RETENTION_MS = 60_000;
    @TempDir
    Path dir;
    final AtomicLong now = new AtomicLong(1_000_000);
    LogManager logs;
    GroupCoordinator coordinator;

    private GroupCoordinator open() throws Exception {
        return open(FileOpener.DEFAULT);
    }

    private GroupCoordinator open(FileOpener disk) throws Exception {
        if (coordinator != null) coordinator.close();
        if (logs != null) logs.close();
        logs = new LogManager(new LogManager.Settings(dir, true, 1, 1000, 300_000, 0), disk, System::currentTimeMillis);
        coordinator = new GroupCoordinator(OffsetsLog.open(logs, now::get), new GroupCoordinator.Settings(DELAY_MS, 1000, 60_000, RETENTION_MS, 1000),
                now::get, GroupCoordinator.randomMemberIdSuffixes());
        return coordinator;
    }

    @AfterEach
    void close() {
        if (coordinator != null) coordinator.close();
        if (logs != null) logs.close();
    }

    private CompletableFuture<JoinGroupResponseData> join(String memberId, int rebalanceTimeoutMs) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[] {1}));
        return coordinator.join(new JoinGroupRequestData().setGroupId("g").setMemberId(memberId).setProtocolType("consumer")
                .setSessionTimeoutMs(5000).setRebalanceTimeoutMs(rebalanceTimeoutMs).setProtocols(protocols), (short) 9, "c", "/127.0.0.1");
    }

    /** Joins a new dynamic member (MEMBER_ID_REQUIRED round trip) and returns its pending JoinGroup answer. */
    private CompletableFuture<JoinGroupResponseData> newMember(int rebalanceTimeoutMs) throws Exception {
        JoinGroupResponseData first = join("", rebalanceTimeoutMs).get();
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        return join(first.memberId(), rebalanceTimeoutMs);
    }

    /** Moves the clock and runs the timers; waits until what they wrote is applied (or dropped). */
    private void advance(long ms) throws Exception {
        now.addAndGet(ms);
        coordinator.tick();
        coordinator.settled().get(5, TimeUnit.SECONDS);
    }

    @Test
    void initialDelayWaitsForMoreMembersButNotBeyondTheRebalanceTimeout() throws Exception {
        open();
        CompletableFuture<JoinGroupResponseData> a = newMember(5000);
        advance(DELAY_MS - 100);
        assertThat(a).isNotDone();
        // At 2900 ms b joins: the wait is extended by another delay (to 5900 ms), capped at a's rebalance timeout (5000 ms).
        CompletableFuture<JoinGroupResponseData> b = newMember(5000);
        advance(200); // 3100 ms: past the first delay, the extension holds
        assertThat(a).isNotDone();
        advance(5000 - (DELAY_MS + 100) - 1); // 4999 ms
        assertThat(a).isNotDone();
        advance(1); // 5000 ms: the cap, not 5900 ms
        assertThat(a).isDone();
        assertThat(b).isDone();
        assertThat(a.get().generationId()).isEqualTo(1);
        assertThat(a.get().members().size() + b.get().members().size()).as("only the leader gets the members").isEqualTo(2);
    }

    @Test
    void aMemberThatDoesNotRejoinWithinTheRebalanceTimeoutIsRemoved() throws Exception {
        open();
        CompletableFuture<JoinGroupResponseData> a = newMember(4000);
        advance(DELAY_MS);
        JoinGroupResponseData ja = a.get(1, TimeUnit.SECONDS);
        coordinator.sync(new SyncGroupRequestData().setGroupId("g").setGenerationId(1).setMemberId(ja.memberId())
                .setAssignments(List.of(new SyncGroupRequestAssignment().setMemberId(ja.memberId()).setAssignment(new byte[] {9})))).get();
        CompletableFuture<JoinGroupResponseData> b = newMember(4000); // a rebalance: member a must rejoin
        assertThat(heartbeat(ja.memberId(), 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        advance(3000);
        assertThat(heartbeat(ja.memberId(), 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS); // alive, but it does not rejoin
        advance(1100);
        JoinGroupResponseData jb = b.get(1, TimeUnit.SECONDS);
        assertThat(jb.generationId()).isEqualTo(2);
        assertThat(jb.members()).extracting(m -> m.memberId()).containsExactly(jb.memberId());
        assertThat(heartbeat(ja.memberId(), 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    @Test
    void aSilentMemberIsRemovedAfterItsSessionTimeout() throws Exception {
        open();
        CompletableFuture<JoinGroupResponseData> a = newMember(4000);
        advance(DELAY_MS);
        String id = a.get(1, TimeUnit.SECONDS).memberId();
        coordinator.sync(new SyncGroupRequestData().setGroupId("g").setGenerationId(1).setMemberId(id)).get();
        advance(4900);
        assertThat(heartbeat(id, 1)).isEqualTo(Errors.NONE);
        advance(4900);
        assertThat(coordinator.describe("g").groupState()).isEqualTo("Stable");
        advance(200);
        assertThat(coordinator.describe("g").groupState()).isEqualTo("Empty");
        assertThat(heartbeat(id, 1)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    }

    private Errors heartbeat(String memberId, int generation) {
        return coordinator.heartbeat(new HeartbeatRequestData().setGroupId("g").setMemberId(memberId).setGenerationId(generation));
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterTheRetentionAndStayExpiredAfterAReplay() throws Exception {
        open();
        TopicPartition tp = new TopicPartition("t", 0);
        assertThat(coordinator.commit("old", -1, "", null, Map.of(tp, new CommittedOffset(5, -1, "", 0))).get().partitions())
                .containsEntry(tp, Errors.NONE);
        advance(RETENTION_MS / 2);
        assertThat(coordinator.commit("young", -1, "", null, Map.of(tp, new CommittedOffset(7, -1, "", 0))).get().error())
                .isEqualTo(Errors.NONE);
        open(); // replay: both kept, with their commit times
        assertThat(coordinator.committed("old", null)).containsKey(tp);
        advance(RETENTION_MS / 2 + 1000);
        assertThat(coordinator.committed("old", null)).isEmpty();
        assertThat(coordinator.describe("old")).as("a group left without offsets or members is deleted").isNull();
        assertThat(coordinator.committed("young", null).get(tp).offset()).isEqualTo(7);
        open();
        assertThat(coordinator.committed("old", null)).isEmpty();
        assertThat(coordinator.committed("young", null).get(tp).offset()).isEqualTo(7);
        advance(RETENTION_MS / 2 + 1000);
        assertThat(coordinator.committed("young", null)).isEmpty();
    }

    @Test
    void expiredOffsetsWhoseTombstonesFailToSyncStayVisible() throws Exception {
        FaultInjectingDisk disk = new FaultInjectingDisk(dir);
        open(disk);
        TopicPartition tp = new TopicPartition("t", 0);
        assertThat(coordinator.commit("old", -1, "", null, Map.of(tp, new CommittedOffset(5, -1, "", 0))).get().error())
                .isEqualTo(Errors.NONE);
        disk.failAllForces();
        advance(RETENTION_MS + 1000);
        assertThat(coordinator.committed("old", null)).as("the tombstone's fsync failed: the offset stays").containsKey(tp);
        assertThat(coordinator.describe("old")).isNotNull();
        disk.failForces(0);
    }
}

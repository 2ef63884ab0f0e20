package io.ledgerline.broker.group;

import io.ledgerline.broker.testkit.RawClient;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordinator's checks, on the wire: MEMBER_ID_REQUIRED on a first join, a stale generation and an
 * unknown member refused on commit and heartbeat, admin commits only while the group is empty, batched
 * FindCoordinator for both key types, multi-group OffsetFetch.
 */
class MemberChecksTest {
    @TempDir
    Path dir;
    TestBroker broker;
    RawClient raw;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.over(dir).groupTimers().start();
        raw = new RawClient(broker.broker());
    }

    @AfterEach
    void stop() throws Exception {
        if (raw != null) raw.close();
        if (broker != null) broker.close();
    }

    private JoinGroupResponseData join(String group, String memberId) throws Exception {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata("sub".getBytes(StandardCharsets.UTF_8)));
        JoinGroupRequestData d = new JoinGroupRequestData().setGroupId(group).setMemberId(memberId).setProtocolType("consumer")
                .setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000).setProtocols(protocols);
        return ((JoinGroupResponse) raw.send(new JoinGroupRequest.Builder(d).build((short) 9))).data();
    }

    private Errors commit(String group, int generation, String memberId, long offset) throws Exception {
        OffsetCommitRequestData d = new OffsetCommitRequestData().setGroupId(group).setGenerationIdOrMemberEpoch(generation)
                .setMemberId(memberId).setTopics(List.of(new OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(offset).setCommittedMetadata("m" + offset)))));
        OffsetCommitResponse r = (OffsetCommitResponse) raw.send(OffsetCommitRequest.Builder.forTopicNames(d).build((short) 9));
        return Errors.forCode(r.data().topics().get(0).partitions().get(0).errorCode());
    }

    private Errors heartbeat(String group, int generation, String memberId) throws Exception {
        return ((HeartbeatResponse) raw.send(new HeartbeatRequest.Builder(new HeartbeatRequestData().setGroupId(group)
                .setGenerationId(generation).setMemberId(memberId)).build((short) 4))).error();
    }

    @Test
    void staleGenerationAndUnknownMemberAreRefused() throws Exception {
        JoinGroupResponseData first = join("g", "");
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        assertThat(first.memberId()).startsWith("raw-client-");
        JoinGroupResponseData joined = join("g", first.memberId());
        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        assertThat(joined.generationId()).isEqualTo(1);
        assertThat(joined.leader()).isEqualTo(first.memberId());
        assertThat(joined.protocolName()).isEqualTo("range");
        assertThat(joined.members()).hasSize(1);
        String me = joined.memberId();

        // Between the join and the leader's sync, a commit is refused with REBALANCE_IN_PROGRESS.
        assertThat(commit("g", 1, me, 5)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        SyncGroupResponse sync = (SyncGroupResponse) raw.send(new SyncGroupRequest.Builder(new SyncGroupRequestData().setGroupId("g")
                .setGenerationId(1).setMemberId(me).setProtocolType("consumer").setProtocolName("range")
                .setAssignments(List.of(new SyncGroupRequestAssignment().setMemberId(me).setAssignment(new byte[] {7}))))
                .build((short) 5));
        assertThat(sync.error()).isEqualTo(Errors.NONE);
        assertThat(sync.data().assignment()).containsExactly(7);

        assertThat(commit("g", 1, me, 5)).isEqualTo(Errors.NONE);
        assertThat(commit("g", 0, me, 6)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(commit("g", 2, me, 6)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(commit("g", 1, "nobody", 6)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commit("g", -1, "", 6)).as("admin commit to a group with members").isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(heartbeat("g", 1, me)).isEqualTo(Errors.NONE);
        assertThat(heartbeat("g", 0, me)).isEqualTo(Errors.ILLEGAL_GENERATION);
        assertThat(heartbeat("g", 1, "nobody")).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(heartbeat("nogroup", 1, me)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(committed("g")).isEqualTo(5);

        LeaveGroupResponse left = (LeaveGroupResponse) raw.send(new LeaveGroupRequest.Builder("g",
                List.of(new MemberIdentity().setMemberId(me), new MemberIdentity().setMemberId("ghost"))).build((short) 5));
        assertThat(left.data().members()).extracting(m -> Errors.forCode(m.errorCode()))
                .containsExactly(Errors.NONE, Errors.UNKNOWN_MEMBER_ID);
        assertThat(commit("g", 1, me, 7)).as("commit by a member that left").isEqualTo(Errors.UNKNOWN_MEMBER_ID);
        assertThat(commit("g", -1, "", 8)).as("admin commit to the now empty group").isEqualTo(Errors.NONE);
        assertThat(committed("g")).isEqualTo(8);
    }

    private long committed(String group) throws Exception {
        OffsetFetchRequestData d = new OffsetFetchRequestData().setGroups(List.of(new OffsetFetchRequestGroup().setGroupId(group)
                .setTopics(List.of(new OffsetFetchRequestTopics().setName("t").setPartitionIndexes(List.of(0))))));
        OffsetFetchResponse r = (OffsetFetchResponse) raw.send(OffsetFetchRequest.Builder.forTopicNames(d, false).build((short) 9));
        return r.data().groups().get(0).topics().get(0).partitions().get(0).committedOffset();
    }

    @Test
    void offsetFetchAnswersSeveralGroupsAtOnce() throws Exception {
        assertThat(commit("a", -1, "", 11)).isEqualTo(Errors.NONE);
        assertThat(commit("b", -1, "", 22)).isEqualTo(Errors.NONE);
        OffsetFetchRequestData d = new OffsetFetchRequestData().setGroups(List.of(
                new OffsetFetchRequestGroup().setGroupId("a").setTopics(null),
                new OffsetFetchRequestGroup().setGroupId("b").setTopics(List.of(new OffsetFetchRequestTopics().setName("t").setPartitionIndexes(List.of(0, 1)))),
                new OffsetFetchRequestGroup().setGroupId("none").setTopics(List.of(new OffsetFetchRequestTopics().setName("t").setPartitionIndexes(List.of(0))))));
        OffsetFetchResponse r = (OffsetFetchResponse) raw.send(OffsetFetchRequest.Builder.forTopicNames(d, false).build((short) 8));
        assertThat(r.data().groups()).hasSize(3);
        OffsetFetchResponsePartitions a = r.data().groups().get(0).topics().get(0).partitions().get(0);
        assertThat(a.committedOffset()).isEqualTo(11);
        assertThat(a.metadata()).isEqualTo("m11");
        assertThat(r.data().groups().get(1).topics().get(0).partitions()).extracting(OffsetFetchResponsePartitions::committedOffset)
                .containsExactly(22L, -1L);
        assertThat(r.data().groups().get(2).topics().get(0).partitions().get(0).committedOffset()).isEqualTo(-1L);
    }

    @Test
    void findCoordinatorNamesThisNodeForGroupsAndTransactions() throws Exception {
        for (FindCoordinatorRequest.CoordinatorType type : List.of(FindCoordinatorRequest.CoordinatorType.GROUP,
                FindCoordinatorRequest.CoordinatorType.TRANSACTION)) {
            FindCoordinatorResponse batched = (FindCoordinatorResponse) raw.send(new FindCoordinatorRequest.Builder(
                    new FindCoordinatorRequestData().setKeyType(type.id()).setCoordinatorKeys(List.of("x", "y"))).build((short) 6));
            assertThat(batched.coordinators()).extracting(c -> c.key() + "@" + c.port() + "/" + c.errorCode())
                    .containsExactly("x@" + broker.broker().port() + "/0", "y@" + broker.broker().port() + "/0");
            FindCoordinatorResponse single = (FindCoordinatorResponse) raw.send(new FindCoordinatorRequest.Builder(
                    new FindCoordinatorRequestData().setKeyType(type.id()).setKey("x")).build((short) 3));
            assertThat(single.error()).isEqualTo(Errors.NONE);
            assertThat(single.node().port()).isEqualTo(broker.broker().port());
        }
        assertThat(broker.broker().apiTable().get(ApiKeys.FIND_COORDINATOR).maxVersion()).isEqualTo(ApiKeys.FIND_COORDINATOR.latestVersion(false));
    }
}

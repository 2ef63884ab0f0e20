package io.ledgerline.broker.protocol.walk;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The request builders of the version walk, one {@link Walk.Step} per API key: each builds, at the version it is
 * given, the request a client of that version sends (kafka-clients' builders and message classes, with the fields
 * the version has and none it lacks), probes it, and checks what that client would look at. Names of topics,
 * groups and transactional ids carry the key and version, so every version starts from the same state on any
 * broker. A new API key in the dispatch table without a step here fails the walk.
 */
public final class WalkSteps {
    private WalkSteps() {}

    static final int SESSION_TIMEOUT_MS = 30_000;
    static final String PROTOCOL = "range";

    public static final Map<ApiKeys, Walk.Step> STEPS = new java.util.EnumMap<>(ApiKeys.class);

    static {
        STEPS.put(ApiKeys.PRODUCE, WalkSteps::produce);
        STEPS.put(ApiKeys.FETCH, WalkSteps::fetch);
        STEPS.put(ApiKeys.LIST_OFFSETS, WalkSteps::listOffsets);
        STEPS.put(ApiKeys.METADATA, WalkSteps::metadata);
        STEPS.put(ApiKeys.OFFSET_COMMIT, WalkSteps::offsetCommit);
        STEPS.put(ApiKeys.OFFSET_FETCH, WalkSteps::offsetFetch);
        STEPS.put(ApiKeys.FIND_COORDINATOR, WalkSteps::findCoordinator);
        STEPS.put(ApiKeys.JOIN_GROUP, WalkSteps::joinGroup);
        STEPS.put(ApiKeys.SYNC_GROUP, WalkSteps::syncGroup);
        STEPS.put(ApiKeys.HEARTBEAT, WalkSteps::heartbeat);
        STEPS.put(ApiKeys.LEAVE_GROUP, WalkSteps::leaveGroup);
        STEPS.put(ApiKeys.DESCRIBE_GROUPS, WalkSteps::describeGroups);
        STEPS.put(ApiKeys.LIST_GROUPS, WalkSteps::listGroups);
        STEPS.put(ApiKeys.API_VERSIONS, WalkSteps::apiVersions);
        STEPS.put(ApiKeys.CREATE_TOPICS, WalkSteps::createTopics);
        STEPS.put(ApiKeys.DELETE_TOPICS, WalkSteps::deleteTopics);
        STEPS.put(ApiKeys.DELETE_RECORDS, WalkSteps::deleteRecords);
        STEPS.put(ApiKeys.INIT_PRODUCER_ID, WalkSteps::initProducerId);
        STEPS.put(ApiKeys.ADD_PARTITIONS_TO_TXN, WalkSteps::addPartitionsToTxn);
        STEPS.put(ApiKeys.ADD_OFFSETS_TO_TXN, WalkSteps::addOffsetsToTxn);
        STEPS.put(ApiKeys.END_TXN, WalkSteps::endTxn);
        STEPS.put(ApiKeys.WRITE_TXN_MARKERS, WalkSteps::writeTxnMarkers);
        STEPS.put(ApiKeys.TXN_OFFSET_COMMIT, WalkSteps::txnOffsetCommit);
        STEPS.put(ApiKeys.DESCRIBE_ACLS, WalkSteps::describeAcls);
        STEPS.put(ApiKeys.DESCRIBE_CONFIGS, WalkSteps::describeConfigs);
        STEPS.put(ApiKeys.ALTER_CONFIGS, WalkSteps::alterConfigs);
        STEPS.put(ApiKeys.DESCRIBE_LOG_DIRS, WalkSteps::describeLogDirs);
        STEPS.put(ApiKeys.CREATE_PARTITIONS, WalkSteps::createPartitions);
        STEPS.put(ApiKeys.DELETE_GROUPS, WalkSteps::deleteGroups);
        STEPS.put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, WalkSteps::incrementalAlterConfigs);
        STEPS.put(ApiKeys.OFFSET_DELETE, WalkSteps::offsetDelete);
        STEPS.put(ApiKeys.DESCRIBE_CLUSTER, WalkSteps::describeCluster);
        STEPS.put(ApiKeys.DESCRIBE_PRODUCERS, WalkSteps::describeProducers);
        STEPS.put(ApiKeys.DESCRIBE_TRANSACTIONS, WalkSteps::describeTransactions);
        STEPS.put(ApiKeys.LIST_TRANSACTIONS, WalkSteps::listTransactions);
    }

    // ---------------------------------------------------------------- fixture

    /** The topic {@link Walk#TOPIC} with its records, the group {@link Walk#COMMITTED_GROUP} with its offset, both coordinators up. */
    static void prepare(Walk w) throws Exception {
        createTopic(w, Walk.TOPIC, Walk.TOPIC_PARTITIONS);
        ProduceResponse pr = w.setup(ProduceRequest.builder(produceData(w, Walk.TOPIC, 0, Walk.RECORDS, (short) 13)));
        check(pr.data().responses().iterator().next().partitionResponses().get(0).baseOffset() == 0, "fixture records at offset 0");
        awaitCoordinator(w, FindCoordinatorRequest.CoordinatorType.GROUP, Walk.COMMITTED_GROUP);
        awaitCoordinator(w, FindCoordinatorRequest.CoordinatorType.TRANSACTION, "walk-txn");
        w.setup(OffsetCommitRequest.Builder.forTopicIdsOrNames(simpleCommit(w, Walk.COMMITTED_GROUP, Walk.COMMITTED)));
        // Kafka hands out producer ids only once its controller has given it a block (COORDINATOR_LOAD_IN_PROGRESS before).
        settle("producer ids").until(() -> w.<InitProducerIdResponse>setup(new InitProducerIdRequest.Builder(
                new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE)),
                Errors.COORDINATOR_LOAD_IN_PROGRESS).data().errorCode() == 0);
    }

    /** Waiting for what Kafka sets up after its answer (leaders, coordinators, producer id blocks): up to 60 s. */
    private static org.awaitility.core.ConditionFactory settle(String what) {
        return org.awaitility.Awaitility.await(what).atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(100));
    }

    /** Creates {@code topic} and waits until Metadata shows a leader for each partition (Kafka elects one after the answer). */
    static void createTopic(Walk w, String topic, int partitions) throws Exception {
        CreateTopicsRequestData.CreatableTopicCollection topics = new CreateTopicsRequestData.CreatableTopicCollection();
        topics.add(new CreateTopicsRequestData.CreatableTopic().setName(topic).setNumPartitions(partitions).setReplicationFactor((short) 1));
        w.setup(new CreateTopicsRequest.Builder(new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(30_000)));
        MetadataResponseData.MetadataResponseTopic t = settle("a leader for every partition of " + topic).until(() -> {
            MetadataResponse m = w.setup(new MetadataRequest.Builder(List.of(topic), false),
                    Errors.LEADER_NOT_AVAILABLE, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            return m.data().topics().find(topic);
        }, found -> found != null && found.errorCode() == 0 && found.partitions().size() == partitions
                && found.partitions().stream().allMatch(p -> p.errorCode() == 0 && p.leaderId() >= 0));
        w.topicId(topic, t.topicId());
    }

    static void awaitCoordinator(Walk w, FindCoordinatorRequest.CoordinatorType type, String key) throws Exception {
        settle("a " + type + " coordinator for " + key).until(() -> {
            FindCoordinatorResponse r = w.setup(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                    .setKeyType(type.id()).setCoordinatorKeys(List.of(key))), Errors.COORDINATOR_NOT_AVAILABLE);
            return Walk.errors(r.data()).equals(java.util.EnumSet.of(Errors.NONE));
        });
    }

    static void check(boolean condition, String what) {
        if (!condition) throw new AssertionError(what);
    }

    static <T> void checkEquals(T actual, T expected, String what) {
        if (!java.util.Objects.equals(actual, expected)) throw new AssertionError(what + ": expected " + expected + " but was " + actual);
    }

    static MemoryRecords records(int count, String prefix) {
        SimpleRecord[] rs = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            rs[i] = new SimpleRecord(1_700_000_000_000L + i, (prefix + "-k" + i).getBytes(StandardCharsets.UTF_8),
                    (prefix + "-v" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, rs);
    }

    /** Produce data for {@code version}: topic by name below v13, by id from v13. */
    static ProduceRequestData produceData(Walk w, String topic, int partition, int count, short version) {
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData()
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records(count, topic))));
        if (version >= 13) t.setTopicId(w.topicId(topic)); else t.setName(topic);
        ProduceRequestData.TopicProduceDataCollection c = new ProduceRequestData.TopicProduceDataCollection();
        c.add(t);
        return new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000).setTopicData(c);
    }

    static OffsetCommitRequestData simpleCommit(Walk w, String group, long offset) {
        return new OffsetCommitRequestData().setGroupId(group).setGenerationIdOrMemberEpoch(-1).setMemberId("")
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(Walk.TOPIC).setTopicId(w.topicId(Walk.TOPIC))
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(offset).setCommittedMetadata("walk")))));
    }

    static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    // ---------------------------------------------------------------- produce and read

    static void produce(Walk w, short v) throws Exception {
        if (v < ApiKeys.PRODUCE.oldestVersion()) {
            // Advertised for librdkafka's feature checks, not served (Kafka 4.x: the same); no 4.4 client can even
            // build such a request, so the v3 body goes out under a v0-2 header, written by kafka-clients' classes.
            ProduceRequest body = ProduceRequest.builder(produceData(w, Walk.TOPIC, 1, 1, (short) 3)).build((short) 3);
            ByteBuffer frame = io.ledgerline.broker.testkit.RawClient.frame(new RequestHeader(ApiKeys.PRODUCE, v, "walk", 7).data(),
                    ApiKeys.PRODUCE.requestHeaderVersion((short) 3), body.data(), (short) 3);
            check(w.probeClosed("produce below v3", ApiKeys.PRODUCE, v, frame), "a v" + v + " produce closes the connection, as Kafka 4.x does");
            return;
        }
        String topic = "walk-" + w.suffix();
        createTopic(w, topic, 1);
        ProduceResponse r = w.probe("produce 2 records", new ProduceRequest.Builder(v, v, produceData(w, topic, 0, 2, v)).build(v));
        ProduceResponseData.PartitionProduceResponse p = r.data().responses().iterator().next().partitionResponses().get(0);
        checkEquals(p.index(), 0, "partition");
        checkEquals(p.baseOffset(), 0L, "base offset");
        if (v >= 5) checkEquals(p.logStartOffset(), 0L, "log start offset");
        ProduceResponse again = w.probe("produce 2 more", new ProduceRequest.Builder(v, v, produceData(w, topic, 0, 2, v)).build(v));
        checkEquals(again.data().responses().iterator().next().partitionResponses().get(0).baseOffset(), 2L, "second base offset");
        ProduceRequestData unknown = produceData(w, topic, 0, 1, v);
        unknown.topicData().iterator().next().setName(v < 13 ? "walk-never-created" : "");
        if (v >= 13) unknown.topicData().iterator().next().setTopicId(Uuid.randomUuid());
        w.probe("unknown topic", new ProduceRequest.Builder(v, v, unknown).build(v),
                v >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    static void fetch(Walk w, short v) throws Exception {
        Map<TopicPartition, FetchRequest.PartitionData> parts = new java.util.LinkedHashMap<>();
        parts.put(tp(Walk.TOPIC, 0), new FetchRequest.PartitionData(w.topicId(Walk.TOPIC), 1, -1, 1 << 20, Optional.empty()));
        FetchRequest req = FetchRequest.Builder.forConsumer(v, 0, 1, parts).build(v);
        FetchResponse r = w.probe("fetch from offset 1", req);
        FetchResponseData.PartitionData p = r.data().responses().get(0).partitions().get(0);
        checkEquals(p.highWatermark(), (long) Walk.RECORDS, "high watermark");
        MemoryRecords records = (MemoryRecords) p.records();
        List<String> keys = new java.util.ArrayList<>();
        records.records().forEach(rec -> keys.add(StandardCharsets.UTF_8.decode(rec.key()).toString() + "@" + rec.offset()));
        check(keys.contains(Walk.TOPIC + "-k1@1") && keys.contains(Walk.TOPIC + "-k2@2"), "records 1 and 2 fetched, got " + keys);
        if (v >= 4) checkEquals(p.lastStableOffset(), (long) Walk.RECORDS, "last stable offset");
        if (v >= 5) checkEquals(p.logStartOffset(), 0L, "log start offset");
        checkEquals(p.abortedTransactions(), null, "aborted transactions under read_uncommitted (Kafka sends null)");
        FetchResponse rc = w.probe("read_committed fetch", FetchRequest.Builder.forConsumer(v, 0, 1, parts)
                .isolationLevel(IsolationLevel.READ_COMMITTED).build(v));
        checkEquals(rc.data().responses().get(0).partitions().get(0).abortedTransactions(), List.of(),
                "aborted transactions under read_committed, none");
        Map<TopicPartition, FetchRequest.PartitionData> beyond = Map.of(tp(Walk.TOPIC, 0),
                new FetchRequest.PartitionData(w.topicId(Walk.TOPIC), 100, -1, 1 << 20, Optional.empty()));
        FetchResponse oor = w.probe("offset beyond the end", FetchRequest.Builder.forConsumer(v, 0, 1, beyond).build(v), Errors.OFFSET_OUT_OF_RANGE);
        checkEquals(oor.data().responses().get(0).partitions().get(0).highWatermark(), -1L, "no high watermark with OFFSET_OUT_OF_RANGE (Kafka)");
        Map<TopicPartition, FetchRequest.PartitionData> missing = Map.of(tp(Walk.TOPIC, 7),
                new FetchRequest.PartitionData(w.topicId(Walk.TOPIC), 0, -1, 1 << 20, Optional.empty()));
        w.probe("partition that does not exist", FetchRequest.Builder.forConsumer(v, 0, 1, missing).build(v), Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    static void listOffsets(Walk w, short v) throws Exception {
        for (long ts : new long[] {ListOffsetsRequest.EARLIEST_TIMESTAMP, ListOffsetsRequest.LATEST_TIMESTAMP}) {
            ListOffsetsRequest req = ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                    .setTargetTimes(List.of(new ListOffsetsRequestData.ListOffsetsTopic().setName(Walk.TOPIC).setPartitions(List.of(
                            new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(ts)
                                    .setCurrentLeaderEpoch(-1))))).build(v);
            ListOffsetsResponse r = w.probe(ts == ListOffsetsRequest.EARLIEST_TIMESTAMP ? "earliest" : "latest", req);
            ListOffsetsResponseData.ListOffsetsPartitionResponse p = r.data().topics().get(0).partitions().get(0);
            checkEquals(p.offset(), ts == ListOffsetsRequest.EARLIEST_TIMESTAMP ? 0L : (long) Walk.RECORDS, "offset");
            checkEquals(p.leaderEpoch(), v >= 4 ? 0 : -1, "leader epoch");
        }
        w.probe("partition that does not exist", ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                .setTargetTimes(List.of(new ListOffsetsRequestData.ListOffsetsTopic().setName(Walk.TOPIC).setPartitions(List.of(
                        new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(7)
                                .setTimestamp(ListOffsetsRequest.LATEST_TIMESTAMP).setCurrentLeaderEpoch(-1))))).build(v),
                Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    static void metadata(Walk w, short v) throws Exception {
        MetadataResponse r = w.probe("one topic", metadataRequest(Walk.TOPIC, v));
        MetadataResponseData.MetadataResponseTopic t = r.data().topics().find(Walk.TOPIC);
        check(t != null, "the topic is listed");
        checkEquals(t.partitions().size(), Walk.TOPIC_PARTITIONS, "partitions");
        check(r.data().brokers().size() == 1, "one broker");
        int node = r.data().brokers().iterator().next().nodeId();
        for (MetadataResponseData.MetadataResponsePartition p : t.partitions()) checkEquals(p.leaderId(), node, "leader");
        if (v >= 10) checkEquals(t.topicId(), w.topicId(Walk.TOPIC), "topic id");
        if (v >= 1) check(r.data().controllerId() >= 0 || r.data().controllerId() == -1, "controller id");
        // Auto-creation is off on the walk's brokers; below v4 every request asks for it (the field came in v4).
        MetadataResponse unknown = w.probe("unknown topic", metadataRequest("walk-never-created", v),
                Errors.UNKNOWN_TOPIC_OR_PARTITION);
        check(unknown.data().topics().find("walk-never-created") != null, "the unknown topic is answered");
    }

    /**
     * Metadata for one topic at {@code v}. kafka-clients 4.4's builder refuses v0 (no Java client sends it since
     * Kafka 4.0), which kafka-python 2.0.2 still sends: built from the message class, as that client writes it.
     */
    static MetadataRequest metadataRequest(String topic, short v) {
        if (v >= 1) return new MetadataRequest.Builder(List.of(topic), v < 4).build(v);
        return new MetadataRequest(new org.apache.kafka.common.message.MetadataRequestData().setTopics(List.of(
                new org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic().setName(topic))), v);
    }

    // ---------------------------------------------------------------- groups

    static void offsetCommit(Walk w, short v) throws Exception {
        String group = "walk-" + w.suffix();
        OffsetCommitRequest req = OffsetCommitRequest.Builder.forTopicIdsOrNames(simpleCommit(w, group, 1)).build(v);
        OffsetCommitResponse r = w.probe("simple commit", req);
        checkEquals(r.data().topics().get(0).partitions().get(0).partitionIndex(), 0, "partition");
    }

    static void offsetFetch(Walk w, short v) throws Exception {
        OffsetFetchRequestData d = new OffsetFetchRequestData().setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                .setGroupId(Walk.COMMITTED_GROUP).setMemberEpoch(-1).setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                        .setName(Walk.TOPIC).setTopicId(w.topicId(Walk.TOPIC)).setPartitionIndexes(List.of(0))))));
        OffsetFetchResponse r = w.probe("committed offset", OffsetFetchRequest.Builder.forTopicIdsOrNames(d, false).build(v));
        long committed;
        if (v < 8) {
            committed = r.data().topics().get(0).partitions().get(0).committedOffset();
        } else {
            committed = r.data().groups().get(0).topics().get(0).partitions().get(0).committedOffset();
        }
        checkEquals(committed, Walk.COMMITTED, "committed offset");
        OffsetFetchRequestData none = new OffsetFetchRequestData().setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                .setGroupId("walk-never-used").setMemberEpoch(-1).setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopics()
                        .setName(Walk.TOPIC).setTopicId(w.topicId(Walk.TOPIC)).setPartitionIndexes(List.of(0))))));
        OffsetFetchResponse u = w.probe("group never used", OffsetFetchRequest.Builder.forTopicIdsOrNames(none, false).build(v));
        checkEquals(v < 8 ? u.data().topics().get(0).partitions().get(0).committedOffset()
                : u.data().groups().get(0).topics().get(0).partitions().get(0).committedOffset(), -1L, "no offset");
    }

    static void findCoordinator(Walk w, short v) throws Exception {
        for (FindCoordinatorRequest.CoordinatorType type : FindCoordinatorRequest.CoordinatorType.values()) {
            if (type == FindCoordinatorRequest.CoordinatorType.SHARE) continue; // share groups are not served
            if (type == FindCoordinatorRequest.CoordinatorType.TRANSACTION && v < 1) continue;
            String key = type == FindCoordinatorRequest.CoordinatorType.GROUP ? Walk.COMMITTED_GROUP : "walk-txn";
            FindCoordinatorRequestData d = new FindCoordinatorRequestData();
            if (v >= 1) d.setKeyType(type.id());
            if (v >= 4) d.setCoordinatorKeys(List.of(key)); else d.setKey(key);
            FindCoordinatorResponse r = w.probe(type.name().toLowerCase(), new FindCoordinatorRequest.Builder(d).build(v));
            int node = v >= 4 ? r.data().coordinators().get(0).nodeId() : r.data().nodeId();
            check(node >= 0, "coordinator node id");
            if (v >= 4) checkEquals(r.data().coordinators().get(0).key(), key, "key");
        }
    }

    static byte[] subscription() {
        ByteBuffer b = ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of(Walk.TOPIC)));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static JoinGroupRequestData joinData(String group, String memberId, short v) {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName(PROTOCOL).setMetadata(subscription()));
        JoinGroupRequestData d = new JoinGroupRequestData().setGroupId(group).setSessionTimeoutMs(SESSION_TIMEOUT_MS)
                .setMemberId(memberId).setProtocolType(ConsumerProtocol.PROTOCOL_TYPE).setProtocols(protocols);
        if (v >= 1) d.setRebalanceTimeoutMs(SESSION_TIMEOUT_MS);
        if (v >= 8) d.setReason("version walk");
        return d;
    }

    /** A member of {@code group} through JoinGroup (twice from v4: MEMBER_ID_REQUIRED first) at the newest version: member id and generation. */
    record Member(String group, String memberId, int generation) {}

    static Member join(Walk w, String group) throws Exception {
        JoinGroupResponse first = w.setup(new JoinGroupRequest.Builder(joinData(group, "", ApiKeys.JOIN_GROUP.latestVersion())),
                Errors.MEMBER_ID_REQUIRED);
        JoinGroupResponse r = first.data().errorCode() == Errors.MEMBER_ID_REQUIRED.code()
                ? w.setup(new JoinGroupRequest.Builder(joinData(group, first.data().memberId(), ApiKeys.JOIN_GROUP.latestVersion())))
                : first;
        return new Member(group, r.data().memberId(), r.data().generationId());
    }

    static byte[] assignment() {
        ByteBuffer b = ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(List.of(tp(Walk.TOPIC, 0), tp(Walk.TOPIC, 1))));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static SyncGroupRequestData syncData(Member m, short v) {
        SyncGroupRequestData d = new SyncGroupRequestData().setGroupId(m.group()).setGenerationId(m.generation()).setMemberId(m.memberId())
                .setAssignments(List.of(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(m.memberId()).setAssignment(assignment())));
        if (v >= 5) d.setProtocolType(ConsumerProtocol.PROTOCOL_TYPE).setProtocolName(PROTOCOL);
        return d;
    }

    static Member joinAndSync(Walk w, String group) throws Exception {
        Member m = join(w, group);
        w.setup(new SyncGroupRequest.Builder(syncData(m, ApiKeys.SYNC_GROUP.latestVersion())));
        return m;
    }

    static void joinGroup(Walk w, short v) throws Exception {
        String group = "walk-" + w.suffix();
        JoinGroupResponse r = w.probe("first join", new JoinGroupRequest.Builder(joinData(group, "", v)).build(v),
                v >= 4 ? new Errors[] {Errors.MEMBER_ID_REQUIRED} : new Errors[0]);
        if (v >= 4) {
            checkEquals(Errors.forCode(r.data().errorCode()), Errors.MEMBER_ID_REQUIRED, "first join from v4");
            check(!r.data().memberId().isEmpty(), "a member id is given");
            r = w.probe("join with the member id", new JoinGroupRequest.Builder(joinData(group, r.data().memberId(), v)).build(v));
        }
        checkEquals(r.data().leader(), r.data().memberId(), "the only member leads");
        checkEquals(r.data().generationId(), 1, "generation");
        checkEquals(r.data().protocolName(), PROTOCOL, "protocol");
        checkEquals(r.data().members().size(), 1, "the leader gets the members");
        check(java.util.Arrays.equals(r.data().members().get(0).metadata(), subscription()), "the member's subscription comes back");
        if (v >= 7) checkEquals(r.data().protocolType(), ConsumerProtocol.PROTOCOL_TYPE, "protocol type");
        JoinGroupRequestData tooShort = joinData(group + "-short", "", v).setSessionTimeoutMs(1);
        if (v >= 1) tooShort.setRebalanceTimeoutMs(1);
        w.probe("session timeout below the minimum", new JoinGroupRequest.Builder(tooShort).build(v), Errors.INVALID_SESSION_TIMEOUT);
    }

    static void syncGroup(Walk w, short v) throws Exception {
        Member m = join(w, "walk-" + w.suffix());
        SyncGroupResponse r = w.probe("leader's sync", new SyncGroupRequest.Builder(syncData(m, v)).build(v));
        check(java.util.Arrays.equals(r.data().assignment(), assignment()), "the assignment comes back");
        if (v >= 5) checkEquals(r.data().protocolName(), PROTOCOL, "protocol name");
        Member stale = new Member(m.group(), m.memberId(), m.generation() + 1);
        w.probe("a generation the group is not at", new SyncGroupRequest.Builder(syncData(stale, v)).build(v), Errors.ILLEGAL_GENERATION);
        Member stranger = new Member(m.group(), "walk-stranger", m.generation());
        w.probe("a member the group does not have", new SyncGroupRequest.Builder(syncData(stranger, v)).build(v), Errors.UNKNOWN_MEMBER_ID);
    }

    static void heartbeat(Walk w, short v) throws Exception {
        Member m = joinAndSync(w, "walk-" + w.suffix());
        w.probe("stable member", new HeartbeatRequest.Builder(new HeartbeatRequestData().setGroupId(m.group())
                .setGenerationId(m.generation()).setMemberId(m.memberId())).build(v));
        w.probe("a generation the group is not at", new HeartbeatRequest.Builder(new HeartbeatRequestData().setGroupId(m.group())
                .setGenerationId(m.generation() + 1).setMemberId(m.memberId())).build(v), Errors.ILLEGAL_GENERATION);
        w.probe("a member the group does not have", new HeartbeatRequest.Builder(new HeartbeatRequestData().setGroupId(m.group())
                .setGenerationId(m.generation()).setMemberId("walk-stranger")).build(v), Errors.UNKNOWN_MEMBER_ID);
    }

    static void leaveGroup(Walk w, short v) throws Exception {
        Member m = joinAndSync(w, "walk-" + w.suffix());
        LeaveGroupResponse r = w.probe("the only member leaves", new LeaveGroupRequest.Builder(m.group(),
                List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(m.memberId()))).build(v));
        if (v >= 3) checkEquals(r.data().members().get(0).memberId(), m.memberId(), "member answered");
        Member other = joinAndSync(w, "walk-" + w.suffix() + "-2");
        LeaveGroupResponse u = w.probe("a member the group does not have", new LeaveGroupRequest.Builder(other.group(),
                List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId("walk-stranger"))).build(v), Errors.UNKNOWN_MEMBER_ID);
        checkEquals(Errors.forCode(v >= 3 ? u.data().members().get(0).errorCode() : u.data().errorCode()), Errors.UNKNOWN_MEMBER_ID,
                v >= 3 ? "the member's error" : "the top-level error below v3");
    }

    static void describeGroups(Walk w, short v) throws Exception {
        Member m = joinAndSync(w, "walk-" + w.suffix());
        DescribeGroupsResponse r = w.probe("stable group", new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData()
                .setGroups(List.of(m.group()))).build(v));
        DescribeGroupsResponseData.DescribedGroup g = r.data().groups().get(0);
        checkEquals(g.groupState(), "Stable", "state");
        checkEquals(g.protocolType(), ConsumerProtocol.PROTOCOL_TYPE, "protocol type");
        checkEquals(g.protocolData(), PROTOCOL, "protocol");
        checkEquals(g.members().size(), 1, "members");
        checkEquals(g.members().get(0).memberId(), m.memberId(), "member id");
        check(java.util.Arrays.equals(g.members().get(0).memberAssignment(), assignment()), "the member's assignment");
        // Below v6 an unknown group is Dead with NONE; GROUP_ID_NOT_FOUND came with v6.
        DescribeGroupsResponse u = w.probe("group never used", new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData()
                .setGroups(List.of("walk-never-used"))).build(v), v >= 6 ? new Errors[] {Errors.GROUP_ID_NOT_FOUND} : new Errors[0]);
        checkEquals(u.data().groups().get(0).groupState(), "Dead", "an unknown group's state");
    }

    static void listGroups(Walk w, short v) throws Exception {
        String group = "walk-" + w.suffix();
        joinAndSync(w, group);
        ListGroupsRequestData d = new ListGroupsRequestData();
        ListGroupsResponse r = w.probe("all groups", new ListGroupsRequest.Builder(d).build(v));
        ListGroupsResponseData.ListedGroup g = r.data().groups().stream().filter(x -> x.groupId().equals(group)).findFirst().orElse(null);
        check(g != null, "the group is listed");
        checkEquals(g.protocolType(), ConsumerProtocol.PROTOCOL_TYPE, "protocol type");
        if (v >= 4) checkEquals(g.groupState(), "Stable", "state");
        if (v >= 5) checkEquals(g.groupType(), "classic", "type");
    }

    static void deleteGroups(Walk w, short v) throws Exception {
        String group = "walk-" + w.suffix();
        w.setup(OffsetCommitRequest.Builder.forTopicIdsOrNames(simpleCommit(w, group, 1)));
        DeleteGroupsResponse r = w.probe("an empty group with offsets", new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
                .setGroupsNames(List.of(group))).build(v));
        checkEquals(r.data().results().iterator().next().groupId(), group, "group answered");
        w.probe("group never used", new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
                .setGroupsNames(List.of("walk-never-used"))).build(v), Errors.GROUP_ID_NOT_FOUND);
        Member m = joinAndSync(w, group + "-live");
        w.probe("group with a member", new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
                .setGroupsNames(List.of(m.group()))).build(v), Errors.NON_EMPTY_GROUP);
    }

    static void offsetDelete(Walk w, short v) throws Exception {
        String group = "walk-" + w.suffix();
        w.setup(OffsetCommitRequest.Builder.forTopicIdsOrNames(simpleCommit(w, group, 1)));
        OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(Walk.TOPIC)
                .setPartitions(List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
        OffsetDeleteResponse r = w.probe("the offset of an empty group", new OffsetDeleteRequest.Builder(new OffsetDeleteRequestData()
                .setGroupId(group).setTopics(topics)).build(v));
        checkEquals(r.data().topics().find(Walk.TOPIC).partitions().find(0).partitionIndex(), 0, "partition answered");
        w.probe("group never used", new OffsetDeleteRequest.Builder(new OffsetDeleteRequestData()
                .setGroupId("walk-never-used").setTopics(topics.duplicate())).build(v), Errors.GROUP_ID_NOT_FOUND);
    }

    // ---------------------------------------------------------------- cluster and admin

    static void apiVersions(Walk w, short v) throws Exception {
        ApiVersionsRequestData d = new ApiVersionsRequestData();
        if (v >= 3) d.setClientSoftwareName("ledgerline-walk").setClientSoftwareVersion("1.0");
        ApiVersionsResponse r = w.probe("versions", new ApiVersionsRequest(d, v));
        for (Map.Entry<ApiKeys, org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion> e : w.advertised().entrySet()) {
            org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion got = r.data().apiKeys().find(e.getKey().id);
            check(got != null && got.minVersion() == e.getValue().minVersion() && got.maxVersion() == e.getValue().maxVersion(),
                    e.getKey() + " advertised as at v3");
        }
    }

    static void createTopics(Walk w, short v) throws Exception {
        String topic = "walk-" + w.suffix();
        CreateTopicsRequestData.CreatableTopicCollection topics = new CreateTopicsRequestData.CreatableTopicCollection();
        topics.add(new CreateTopicsRequestData.CreatableTopic().setName(topic).setNumPartitions(2).setReplicationFactor((short) 1));
        CreateTopicsResponse r = w.probe("a new topic", new CreateTopicsRequest.Builder(new CreateTopicsRequestData()
                .setTopics(topics).setTimeoutMs(30_000)).build(v));
        CreateTopicsResponseData.CreatableTopicResult t = r.data().topics().find(topic);
        check(t != null, "topic answered");
        if (v >= 5) {
            checkEquals(t.numPartitions(), 2, "partitions");
            checkEquals(t.replicationFactor(), (short) 1, "replication factor");
        }
        if (v >= 7) check(!t.topicId().equals(Uuid.ZERO_UUID), "topic id");
        CreateTopicsResponse again = w.probe("the same topic again", new CreateTopicsRequest.Builder(new CreateTopicsRequestData()
                .setTopics(topics.duplicate()).setTimeoutMs(30_000)).build(v), Errors.TOPIC_ALREADY_EXISTS);
        checkEquals(Errors.forCode(again.data().topics().find(topic).errorCode()), Errors.TOPIC_ALREADY_EXISTS, "second create");
        CreateTopicsRequestData.CreatableTopicCollection bad = new CreateTopicsRequestData.CreatableTopicCollection();
        bad.add(new CreateTopicsRequestData.CreatableTopic().setName("walk bad name!").setNumPartitions(1).setReplicationFactor((short) 1));
        w.probe("an illegal name", new CreateTopicsRequest.Builder(new CreateTopicsRequestData().setTopics(bad).setTimeoutMs(30_000)).build(v),
                Errors.INVALID_TOPIC_EXCEPTION);
        CreateTopicsRequestData.CreatableTopicCollection rf = new CreateTopicsRequestData.CreatableTopicCollection();
        rf.add(new CreateTopicsRequestData.CreatableTopic().setName(topic + "-rf").setNumPartitions(1).setReplicationFactor((short) 3));
        w.probe("more replicas than brokers", new CreateTopicsRequest.Builder(new CreateTopicsRequestData().setTopics(rf).setTimeoutMs(30_000)).build(v),
                Errors.INVALID_REPLICATION_FACTOR);
    }

    static void deleteTopics(Walk w, short v) throws Exception {
        String topic = "walk-" + w.suffix();
        createTopic(w, topic, 1);
        DeleteTopicsRequestData d = new DeleteTopicsRequestData().setTimeoutMs(30_000);
        if (v >= 6) d.setTopics(List.of(new DeleteTopicsRequestData.DeleteTopicState().setName(topic)));
        else d.setTopicNames(List.of(topic));
        DeleteTopicsResponse r = w.probe("a topic", new DeleteTopicsRequest.Builder(d).build(v));
        checkEquals(r.data().responses().find(topic).name(), topic, "topic answered");
        DeleteTopicsRequestData u = new DeleteTopicsRequestData().setTimeoutMs(30_000);
        if (v >= 6) u.setTopics(List.of(new DeleteTopicsRequestData.DeleteTopicState().setName("walk-never-created")));
        else u.setTopicNames(List.of("walk-never-created"));
        w.probe("unknown topic", new DeleteTopicsRequest.Builder(u).build(v), Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    static void deleteRecords(Walk w, short v) throws Exception {
        String topic = "walk-" + w.suffix();
        createTopic(w, topic, 1);
        w.setup(ProduceRequest.builder(produceData(w, topic, 0, 3, (short) 13)));
        DeleteRecordsRequestData d = new DeleteRecordsRequestData().setTimeoutMs(30_000).setTopics(List.of(
                new DeleteRecordsRequestData.DeleteRecordsTopic().setName(topic).setPartitions(List.of(
                        new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(2)))));
        DeleteRecordsResponse r = w.probe("records before offset 2", new DeleteRecordsRequest.Builder(d).build(v));
        checkEquals(r.data().topics().find(topic).partitions().find(0).lowWatermark(), 2L, "low watermark");
        DeleteRecordsRequestData beyond = new DeleteRecordsRequestData().setTimeoutMs(30_000).setTopics(List.of(
                new DeleteRecordsRequestData.DeleteRecordsTopic().setName(topic).setPartitions(List.of(
                        new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(100)))));
        w.probe("beyond the high watermark", new DeleteRecordsRequest.Builder(beyond).build(v), Errors.OFFSET_OUT_OF_RANGE);
    }

    static void createPartitions(Walk w, short v) throws Exception {
        String topic = "walk-" + w.suffix();
        createTopic(w, topic, 1);
        CreatePartitionsRequestData.CreatePartitionsTopicCollection topics = new CreatePartitionsRequestData.CreatePartitionsTopicCollection();
        topics.add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(topic).setCount(3).setAssignments(null)); // as Admin sends it
        CreatePartitionsResponse r = w.probe("1 to 3 partitions", new CreatePartitionsRequest.Builder(new CreatePartitionsRequestData()
                .setTopics(topics).setTimeoutMs(30_000)).build(v));
        checkEquals(r.data().results().get(0).name(), topic, "topic answered");
        CreatePartitionsRequestData.CreatePartitionsTopicCollection fewer = new CreatePartitionsRequestData.CreatePartitionsTopicCollection();
        fewer.add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(topic).setCount(2).setAssignments(null));
        w.probe("fewer partitions", new CreatePartitionsRequest.Builder(new CreatePartitionsRequestData()
                .setTopics(fewer).setTimeoutMs(30_000)).build(v), Errors.INVALID_PARTITIONS);
        CreatePartitionsRequestData.CreatePartitionsTopicCollection unknown = new CreatePartitionsRequestData.CreatePartitionsTopicCollection();
        unknown.add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("walk-never-created").setCount(2).setAssignments(null));
        w.probe("unknown topic", new CreatePartitionsRequest.Builder(new CreatePartitionsRequestData()
                .setTopics(unknown).setTimeoutMs(30_000)).build(v), Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    static void describeConfigs(Walk w, short v) throws Exception {
        DescribeConfigsRequestData d = new DescribeConfigsRequestData().setResources(List.of(new DescribeConfigsRequestData.DescribeConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName(Walk.TOPIC)
                .setConfigurationKeys(List.of("cleanup.policy", "retention.ms", "max.message.bytes"))));
        if (v >= 1) d.setIncludeSynonyms(true);
        if (v >= 3) d.setIncludeDocumentation(false);
        DescribeConfigsResponse r = w.probe("three topic configs", new DescribeConfigsRequest.Builder(d).build(v));
        DescribeConfigsResponseData.DescribeConfigsResult res = r.data().results().get(0);
        checkEquals(res.configs().size(), 3, "configs answered");
        checkEquals(res.configs().stream().filter(c -> c.name().equals("cleanup.policy")).findFirst().orElseThrow().value(), "delete", "cleanup.policy");
        DescribeConfigsRequestData u = new DescribeConfigsRequestData().setResources(List.of(new DescribeConfigsRequestData.DescribeConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("walk-never-created").setConfigurationKeys(null)));
        w.probe("unknown topic", new DescribeConfigsRequest.Builder(u).build(v), Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    static void alterConfigs(Walk w, short v) throws Exception {
        String topic = "walk-" + w.suffix();
        createTopic(w, topic, 1);
        AlterConfigsRequestData.AlterableConfigCollection configs = new AlterConfigsRequestData.AlterableConfigCollection();
        configs.add(new AlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue("3600000"));
        AlterConfigsRequestData.AlterConfigsResourceCollection resources = new AlterConfigsRequestData.AlterConfigsResourceCollection();
        resources.add(new AlterConfigsRequestData.AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName(topic).setConfigs(configs));
        AlterConfigsResponse r = w.probe("a topic's retention", new AlterConfigsRequest(new AlterConfigsRequestData().setResources(resources), v));
        checkEquals(r.data().responses().get(0).resourceName(), topic, "resource answered");
        checkRetention(w, topic, "3600000");
    }

    static void checkRetention(Walk w, String topic, String expected) throws Exception {
        DescribeConfigsResponse d = w.setup(new DescribeConfigsRequest.Builder(new DescribeConfigsRequestData().setResources(List.of(
                new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                        .setResourceName(topic).setConfigurationKeys(List.of("retention.ms"))))));
        checkEquals(d.data().results().get(0).configs().get(0).value(), expected, "retention.ms after the change");
    }

    static void incrementalAlterConfigs(Walk w, short v) throws Exception {
        String topic = "walk-" + w.suffix();
        createTopic(w, topic, 1);
        IncrementalAlterConfigsRequestData.AlterableConfigCollection configs = new IncrementalAlterConfigsRequestData.AlterableConfigCollection();
        configs.add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("retention.ms").setValue("7200000")
                .setConfigOperation(org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET.id()));
        IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection resources = new IncrementalAlterConfigsRequestData.AlterConfigsResourceCollection();
        resources.add(new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName(topic).setConfigs(configs));
        IncrementalAlterConfigsResponse r = w.probe("set a topic's retention", new IncrementalAlterConfigsRequest.Builder(
                new IncrementalAlterConfigsRequestData().setResources(resources)).build(v));
        checkEquals(r.data().responses().get(0).resourceName(), topic, "resource answered");
        checkRetention(w, topic, "7200000");
    }

    static void describeLogDirs(Walk w, short v) throws Exception {
        DescribeLogDirsRequestData.DescribableLogDirTopicCollection topics = new DescribeLogDirsRequestData.DescribableLogDirTopicCollection();
        topics.add(new DescribeLogDirsRequestData.DescribableLogDirTopic().setTopic(Walk.TOPIC).setPartitions(List.of(0)));
        DescribeLogDirsResponse r = w.probe("one partition", new DescribeLogDirsRequest.Builder(new DescribeLogDirsRequestData().setTopics(topics)).build(v));
        checkEquals(r.data().results().size(), 1, "one log dir");
        DescribeLogDirsResponseData.DescribeLogDirsPartition p = r.data().results().get(0).topics().get(0).partitions().get(0);
        check(p.partitionSize() > 0, "partition size");
    }

    static void describeCluster(Walk w, short v) throws Exception {
        DescribeClusterRequestData d = new DescribeClusterRequestData();
        DescribeClusterResponse r = w.probe("the cluster", new DescribeClusterRequest.Builder(d).build(v));
        checkEquals(r.data().brokers().size(), 1, "brokers");
        check(!r.data().clusterId().isEmpty(), "cluster id");
    }

    static void describeAcls(Walk w, short v) throws Exception {
        DescribeAclsResponse r = w.probe("any ACL", new DescribeAclsRequest.Builder(AclBindingFilter.ANY).build(v), Errors.SECURITY_DISABLED);
        checkEquals(Errors.forCode(r.data().errorCode()), Errors.SECURITY_DISABLED, "no authorizer");
    }

    // ---------------------------------------------------------------- producers and transactions

    record Producer(String transactionalId, long id, short epoch) {}

    static Producer initTransactional(Walk w, String transactionalId) throws Exception {
        InitProducerIdResponse r = w.setup(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(transactionalId).setTransactionTimeoutMs(60_000)));
        return new Producer(transactionalId, r.data().producerId(), r.data().producerEpoch());
    }

    static void initProducerId(Walk w, short v) throws Exception {
        InitProducerIdResponse idem = w.probe("idempotent producer", new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE)).build(v));
        check(idem.data().producerId() >= 0, "a producer id");
        checkEquals(idem.data().producerEpoch(), (short) 0, "epoch");
        InitProducerIdResponse txn = w.probe("transactional producer", new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId("walk-" + w.suffix()).setTransactionTimeoutMs(60_000)).build(v));
        check(txn.data().producerId() >= 0, "a producer id");
        checkEquals(txn.data().producerEpoch(), (short) 0, "epoch");
        w.probe("transaction timeout above transaction.max.timeout.ms", new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId("walk-" + w.suffix() + "-long").setTransactionTimeoutMs(Integer.MAX_VALUE)).build(v),
                Errors.INVALID_TRANSACTION_TIMEOUT);
    }

    static void addPartitionsToTxn(Walk w, short v) throws Exception {
        Producer p = initTransactional(w, "walk-" + w.suffix());
        AddPartitionsToTxnRequest req;
        if (v <= 3) {
            req = AddPartitionsToTxnRequest.Builder.forClient(p.transactionalId(), p.id(), p.epoch(), List.of(tp(Walk.TOPIC, 0))).build(v);
        } else {
            AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
            topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName(Walk.TOPIC).setPartitions(List.of(0)));
            AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection txns = new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
            txns.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction().setTransactionalId(p.transactionalId())
                    .setProducerId(p.id()).setProducerEpoch(p.epoch()).setVerifyOnly(false).setTopics(topics));
            req = AddPartitionsToTxnRequest.Builder.forBroker(txns).build(v);
        }
        w.probe("one partition", req);
    }

    static void addOffsetsToTxn(Walk w, short v) throws Exception {
        Producer p = initTransactional(w, "walk-" + w.suffix());
        w.probe("a group", new AddOffsetsToTxnRequest.Builder(new AddOffsetsToTxnRequestData().setTransactionalId(p.transactionalId())
                .setProducerId(p.id()).setProducerEpoch(p.epoch()).setGroupId("walk-" + w.suffix())).build(v));
        w.probe("a transactional id never initialized", new AddOffsetsToTxnRequest.Builder(new AddOffsetsToTxnRequestData()
                .setTransactionalId("walk-never-used").setProducerId(p.id()).setProducerEpoch(p.epoch())
                .setGroupId("walk-" + w.suffix())).build(v), Errors.INVALID_PRODUCER_ID_MAPPING);
    }

    static void endTxn(Walk w, short v) throws Exception {
        Producer p = initTransactional(w, "walk-" + w.suffix());
        w.setup(AddPartitionsToTxnRequest.Builder.forClient(p.transactionalId(), p.id(), p.epoch(), List.of(tp(Walk.TOPIC, 1))));
        w.probe("commit", new EndTxnRequest.Builder(new EndTxnRequestData().setTransactionalId(p.transactionalId())
                .setProducerId(p.id()).setProducerEpoch(p.epoch()).setCommitted(true), false).build(v));
    }

    static void txnOffsetCommit(Walk w, short v) throws Exception {
        Producer p = initTransactional(w, "walk-" + w.suffix());
        String group = "walk-" + w.suffix();
        w.setup(new AddOffsetsToTxnRequest.Builder(new AddOffsetsToTxnRequestData().setTransactionalId(p.transactionalId())
                .setProducerId(p.id()).setProducerEpoch(p.epoch()).setGroupId(group)));
        TxnOffsetCommitRequestData d = new TxnOffsetCommitRequestData().setTransactionalId(p.transactionalId()).setGroupId(group)
                .setProducerId(p.id()).setProducerEpoch(p.epoch()).setTopics(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic()
                        .setName(Walk.TOPIC).setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(1).setCommittedMetadata("walk")))));
        if (v >= 3) d.setGenerationIdOrMemberEpoch(-1).setMemberId("").setGroupInstanceId(null);
        TxnOffsetCommitResponse r = w.probe("an offset in a transaction", TxnOffsetCommitRequest.Builder.forTopicNames(d, false).build(v));
        checkEquals(r.data().topics().get(0).partitions().get(0).partitionIndex(), 0, "partition answered");
    }

    static void writeTxnMarkers(Walk w, short v) throws Exception {
        String topic = "walk-" + w.suffix();
        createTopic(w, topic, 1);
        InitProducerIdResponse idem = w.setup(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE)));
        WriteTxnMarkersRequest.TxnMarkerEntry marker = new WriteTxnMarkersRequest.TxnMarkerEntry(idem.data().producerId(),
                idem.data().producerEpoch(), 0, TransactionResult.ABORT, List.of(tp(topic, 0)), v >= 2 ? (short) 1 : (short) 0);
        WriteTxnMarkersResponse r = w.probe("an abort marker", new WriteTxnMarkersRequest.Builder(List.of(marker)).build(v));
        checkEquals(r.data().markers().get(0).producerId(), idem.data().producerId(), "producer answered");
        WriteTxnMarkersRequest.TxnMarkerEntry missing = new WriteTxnMarkersRequest.TxnMarkerEntry(idem.data().producerId(),
                idem.data().producerEpoch(), 0, TransactionResult.ABORT, List.of(tp(topic, 7)), v >= 2 ? (short) 1 : (short) 0);
        w.probe("partition that does not exist", new WriteTxnMarkersRequest.Builder(List.of(missing)).build(v), Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    static void describeProducers(Walk w, short v) throws Exception {
        DescribeProducersRequest.Builder b = new DescribeProducersRequest.Builder(new DescribeProducersRequestData());
        b.addTopic(Walk.TOPIC).setPartitionIndexes(List.of(0));
        DescribeProducersResponse r = w.probe("a partition", b.build(v));
        checkEquals(r.data().topics().get(0).partitions().get(0).partitionIndex(), 0, "partition answered");
        DescribeProducersRequest.Builder u = new DescribeProducersRequest.Builder(new DescribeProducersRequestData());
        u.addTopic(Walk.TOPIC).setPartitionIndexes(List.of(7));
        w.probe("partition that does not exist", u.build(v), Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    static void describeTransactions(Walk w, short v) throws Exception {
        Producer p = initTransactional(w, "walk-" + w.suffix());
        DescribeTransactionsResponse r = w.probe("an id with no transaction", new DescribeTransactionsRequest.Builder(
                new DescribeTransactionsRequestData().setTransactionalIds(List.of(p.transactionalId()))).build(v));
        DescribeTransactionsResponseData.TransactionState s = r.data().transactionStates().get(0);
        checkEquals(s.transactionState(), "Empty", "state");
        checkEquals(s.producerId(), p.id(), "producer id");
        w.probe("an id never used", new DescribeTransactionsRequest.Builder(new DescribeTransactionsRequestData()
                .setTransactionalIds(List.of("walk-never-used"))).build(v), Errors.TRANSACTIONAL_ID_NOT_FOUND);
    }

    static void listTransactions(Walk w, short v) throws Exception {
        Producer p = initTransactional(w, "walk-" + w.suffix());
        ListTransactionsRequestData d = new ListTransactionsRequestData();
        if (v >= 2) d.setTransactionalIdPattern("walk-list-transactions-v.*");
        ListTransactionsResponse r = w.probe("every id", new ListTransactionsRequest.Builder(d).build(v));
        check(r.data().transactionStates().stream().anyMatch(s -> s.transactionalId().equals(p.transactionalId())), "the id is listed");
    }
}

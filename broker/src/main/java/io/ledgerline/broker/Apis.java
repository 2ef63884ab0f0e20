package io.ledgerline.broker;

import io.ledgerline.broker.admin.AlterConfigsHandler;
import io.ledgerline.broker.admin.BrokerConfigs;
import io.ledgerline.broker.admin.CreatePartitionsHandler;
import io.ledgerline.broker.admin.CreateTopicsHandler;
import io.ledgerline.broker.admin.DeleteRecordsHandler;
import io.ledgerline.broker.admin.DeleteTopicsHandler;
import io.ledgerline.broker.admin.DescribeAclsHandler;
import io.ledgerline.broker.admin.DescribeClusterHandler;
import io.ledgerline.broker.admin.DescribeConfigsHandler;
import io.ledgerline.broker.admin.DescribeLogDirsHandler;
import io.ledgerline.broker.admin.IncrementalAlterConfigsHandler;
import io.ledgerline.broker.admin.TopicConfigs;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.fetch.FetchHandler;
import io.ledgerline.broker.fetch.FetchSessionCache;
import io.ledgerline.broker.fetch.ListOffsetsHandler;
import io.ledgerline.broker.group.DeleteGroupsHandler;
import io.ledgerline.broker.group.DescribeGroupsHandler;
import io.ledgerline.broker.group.FindCoordinatorHandler;
import io.ledgerline.broker.group.GroupCoordinator;
import io.ledgerline.broker.group.HeartbeatHandler;
import io.ledgerline.broker.group.JoinGroupHandler;
import io.ledgerline.broker.group.LeaveGroupHandler;
import io.ledgerline.broker.group.ListGroupsHandler;
import io.ledgerline.broker.group.OffsetCommitHandler;
import io.ledgerline.broker.group.OffsetDeleteHandler;
import io.ledgerline.broker.group.OffsetFetchHandler;
import io.ledgerline.broker.group.SyncGroupHandler;
import io.ledgerline.broker.metadata.ApiVersionsHandler;
import io.ledgerline.broker.metadata.ClusterInfo;
import io.ledgerline.broker.metadata.MetadataHandler;
import io.ledgerline.broker.pipeline.AuthenticateStage;
import io.ledgerline.broker.pipeline.OffloadStage;
import io.ledgerline.broker.pipeline.Pipeline;
import io.ledgerline.broker.pipeline.QuotaPolicy;
import io.ledgerline.broker.pipeline.Stage;
import io.ledgerline.broker.pipeline.ThrottleStage;
import io.ledgerline.broker.pipeline.VersionStage;
import io.ledgerline.broker.produce.BatchInspector;
import io.ledgerline.broker.produce.ProduceHandler;
import io.ledgerline.broker.produce.ProducerIdManager;
import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.broker.txn.AddOffsetsToTxnHandler;
import io.ledgerline.broker.txn.AddPartitionsToTxnHandler;
import io.ledgerline.broker.txn.DescribeProducersHandler;
import io.ledgerline.broker.txn.DescribeTransactionsHandler;
import io.ledgerline.broker.txn.EndTxnHandler;
import io.ledgerline.broker.txn.InitProducerIdHandler;
import io.ledgerline.broker.txn.ListTransactionsHandler;
import io.ledgerline.broker.txn.TransactionCoordinator;
import io.ledgerline.broker.txn.TxnOffsetCommitHandler;
import io.ledgerline.broker.txn.WriteTxnMarkersHandler;
import io.ledgerline.log.LogManager;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The one place the request path is assembled: {@link #table} registers every API key Ledgerline answers (its handler,
 * its advertised versions, whether it blocks), {@link #pipeline} lists the stages every request goes through, in
 * order. A new API is one line in the table; a new cross-cutting stage is one class and one line in the pipeline (or,
 * from outside the broker, a stage in the {@link Extensions} given to {@code Broker.start}). {@code Broker} calls both
 * once at start. Threads: start-up only.
 */
public final class Apis {
    private Apis() {}

    /**
     * What a broker adds to its request path from outside: the quota policy ({@link QuotaPolicy#NONE} by default),
     * stages run after the version check, before throttling and offload (empty by default), and the batch inspectors
     * every produced batch passes before its append, in order (empty by default: produce then costs nothing more).
     */
    public record Extensions(QuotaPolicy quotas, List<Stage> stages, List<BatchInspector> inspectors) {
        public static final Extensions NONE = new Extensions(QuotaPolicy.NONE, List.of(), List.of());

        public Extensions {
            stages = List.copyOf(stages);
            inspectors = List.copyOf(inspectors);
        }

        /** A quota policy and stages, no batch inspectors. */
        public Extensions(QuotaPolicy quotas, List<Stage> stages) {
            this(quotas, stages, List.of());
        }
    }

    /**
     * The request stages, in order: who the request runs as, whether its version is served (and, on the way out, the
     * response shaped for it), the extensions' stages, quotas (throttle time, muting), then blocking handlers off the
     * network thread. A stage that needs a valid request goes after {@link VersionStage}; one that must run on the
     * network thread goes before {@link OffloadStage}.
     */
    public static Pipeline pipeline(ApiTable table, Executor blocking, Extensions extensions) {
        List<Stage> stages = new ArrayList<>();
        stages.add(new AuthenticateStage());
        stages.add(new VersionStage());
        stages.addAll(extensions.stages());
        stages.add(new ThrottleStage(extensions.quotas()));
        stages.add(new OffloadStage(blocking));
        return new Pipeline(table, stages);
    }

    /**
     * The dispatch table. Blocking entries (registerBlocking) wait on the disk: a durable metadata write (the record is
     * durable before the answer), files created or deleted, a syscall on the data directory's disk; the pipeline runs
     * them on the admin executor, never on a network thread. The others answer at once or from a future.
     */
    static ApiTable table(BrokerConfig config, LogManager logs, TopicRegistry topics, ClusterInfo cluster,
                          ProducerIdManager producerIds, GroupCoordinator groups, TransactionCoordinator transactions,
                          FetchSessionCache fetchSessions, ScheduledExecutorService timer, Executor admin,
                          List<BatchInspector> inspectors, Executor inspection) {
        ApiTable table = new ApiTable();
        TopicConfigs topicConfigs = new TopicConfigs(config);
        BrokerConfigs brokerConfigs = new BrokerConfigs(config, cluster.nodeId(), logs::startSummary);
        table.register(ApiKeys.API_VERSIONS, new ApiVersionsHandler(table))
                // Blocks only when it auto-creates a topic: the handler offloads that itself (to admin).
                .register(ApiKeys.METADATA, new MetadataHandler(topics, cluster,
                        config.bool(BrokerConfig.AUTO_CREATE_TOPICS), config.intValue(BrokerConfig.NUM_PARTITIONS), admin))
                // Produce from v0: older librdkafka enables features only if v0 lies in the range;
                // v0-2 requests themselves are refused (kafka-clients cannot parse them: connection closed).
                .register(ApiKeys.PRODUCE, new ProduceHandler(topics, transactions, inspectors, inspection), (short) 0, ApiKeys.PRODUCE.latestVersion(false))
                .register(ApiKeys.FETCH, new FetchHandler(topics, timer, config.longValue(BrokerConfig.FETCH_MAX_WAIT_MS_MAX), fetchSessions))
                .register(ApiKeys.LIST_OFFSETS, new ListOffsetsHandler(topics))
                .registerBlocking(ApiKeys.INIT_PRODUCER_ID, new InitProducerIdHandler(producerIds, transactions))
                .register(ApiKeys.FIND_COORDINATOR, new FindCoordinatorHandler(cluster))
                .register(ApiKeys.JOIN_GROUP, new JoinGroupHandler(groups))
                .register(ApiKeys.SYNC_GROUP, new SyncGroupHandler(groups))
                .register(ApiKeys.HEARTBEAT, new HeartbeatHandler(groups))
                .register(ApiKeys.LEAVE_GROUP, new LeaveGroupHandler(groups))
                .register(ApiKeys.OFFSET_COMMIT, new OffsetCommitHandler(groups, topics))
                .register(ApiKeys.OFFSET_FETCH, new OffsetFetchHandler(groups, topics))
                .register(ApiKeys.LIST_GROUPS, new ListGroupsHandler(groups))
                .register(ApiKeys.DESCRIBE_GROUPS, new DescribeGroupsHandler(groups))
                .register(ApiKeys.DELETE_GROUPS, new DeleteGroupsHandler(groups))
                .register(ApiKeys.OFFSET_DELETE, new OffsetDeleteHandler(groups))
                .register(ApiKeys.ADD_PARTITIONS_TO_TXN, new AddPartitionsToTxnHandler(transactions, topics))
                .register(ApiKeys.ADD_OFFSETS_TO_TXN, new AddOffsetsToTxnHandler(transactions))
                .register(ApiKeys.END_TXN, new EndTxnHandler(transactions), ApiKeys.END_TXN.oldestVersion(), EndTxnHandler.MAX_VERSION)
                .register(ApiKeys.DESCRIBE_TRANSACTIONS, new DescribeTransactionsHandler(transactions))
                .register(ApiKeys.LIST_TRANSACTIONS, new ListTransactionsHandler(transactions))
                .register(ApiKeys.DESCRIBE_PRODUCERS, new DescribeProducersHandler(topics))
                .register(ApiKeys.WRITE_TXN_MARKERS, new WriteTxnMarkersHandler(topics))
                .register(ApiKeys.TXN_OFFSET_COMMIT, new TxnOffsetCommitHandler(transactions, groups, topics),
                        ApiKeys.TXN_OFFSET_COMMIT.oldestVersion(), TxnOffsetCommitHandler.MAX_VERSION)
                // Admin APIs (topics, configs, cluster, records, log dirs, ACLs), each at every stable version kafka-clients knows.
                .registerBlocking(ApiKeys.CREATE_TOPICS, new CreateTopicsHandler(topics, topicConfigs, cluster.nodeId(),
                        config.intValue(BrokerConfig.NUM_PARTITIONS)))
                .registerBlocking(ApiKeys.DELETE_TOPICS, new DeleteTopicsHandler(topics))
                .registerBlocking(ApiKeys.CREATE_PARTITIONS, new CreatePartitionsHandler(topics, cluster.nodeId()))
                .register(ApiKeys.DESCRIBE_CONFIGS, new DescribeConfigsHandler(topics, topicConfigs, brokerConfigs))
                .registerBlocking(ApiKeys.ALTER_CONFIGS, new AlterConfigsHandler(topics, brokerConfigs))
                .registerBlocking(ApiKeys.INCREMENTAL_ALTER_CONFIGS, new IncrementalAlterConfigsHandler(topics, brokerConfigs))
                .register(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterHandler(cluster))
                .registerBlocking(ApiKeys.DELETE_RECORDS, new DeleteRecordsHandler(topics))
                // Blocking: reading the file store's space is a syscall on the data dir's disk.
                .registerBlocking(ApiKeys.DESCRIBE_LOG_DIRS, new DescribeLogDirsHandler(logs, config.dataDir()))
                .register(ApiKeys.DESCRIBE_ACLS, new DescribeAclsHandler());
        return table;
    }
}

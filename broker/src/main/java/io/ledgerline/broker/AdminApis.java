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
import io.ledgerline.broker.metadata.ClusterInfo;
import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.log.LogManager;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.concurrent.Executor;

/**
 * Registers the admin API handlers (topics, configs, cluster, records, log dirs, ACLs) in the dispatch table, each at every
 * stable version kafka-clients knows. Those that change state do it synchronously (the metadata record is
 * durable before the answer; files are created or deleted), so they run on {@code blocking}, never on a network
 * thread; the read-only ones answer at once.
 */
final class AdminApis {
    private AdminApis() {}

    static void register(ApiTable table, TopicRegistry topics, LogManager logs, ClusterInfo cluster, BrokerConfig config, Executor blocking) {
        TopicConfigs topicConfigs = new TopicConfigs(config);
        BrokerConfigs brokerConfigs = new BrokerConfigs(config, cluster.nodeId(), logs::startSummary);
        table.register(ApiKeys.CREATE_TOPICS, ApiHandler.offloaded(new CreateTopicsHandler(topics, topicConfigs, cluster.nodeId(),
                        config.intValue(BrokerConfig.NUM_PARTITIONS)), blocking))
                .register(ApiKeys.DELETE_TOPICS, ApiHandler.offloaded(new DeleteTopicsHandler(topics), blocking))
                .register(ApiKeys.CREATE_PARTITIONS, ApiHandler.offloaded(new CreatePartitionsHandler(topics, cluster.nodeId()), blocking))
                .register(ApiKeys.DESCRIBE_CONFIGS, new DescribeConfigsHandler(topics, topicConfigs, brokerConfigs))
                .register(ApiKeys.ALTER_CONFIGS, ApiHandler.offloaded(new AlterConfigsHandler(topics, brokerConfigs), blocking))
                .register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, ApiHandler.offloaded(new IncrementalAlterConfigsHandler(topics, brokerConfigs), blocking))
                .register(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterHandler(cluster))
                .register(ApiKeys.DELETE_RECORDS, ApiHandler.offloaded(new DeleteRecordsHandler(topics), blocking))
                // Offloaded: reading the file store's space is a syscall on the data dir's disk.
                .register(ApiKeys.DESCRIBE_LOG_DIRS, ApiHandler.offloaded(new DescribeLogDirsHandler(logs, config.dataDir()), blocking))
                .register(ApiKeys.DESCRIBE_ACLS, new DescribeAclsHandler());
    }
}

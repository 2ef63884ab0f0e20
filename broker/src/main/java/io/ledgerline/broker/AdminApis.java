package io.ledgerline.broker;

import io.ledgerline.broker.admin.AlterConfigsHandler;
import io.ledgerline.broker.admin.BrokerConfigs;
import io.ledgerline.broker.admin.CreatePartitionsHandler;
import io.ledgerline.broker.admin.CreateTopicsHandler;
import io.ledgerline.broker.admin.DeleteRecordsHandler;
import io.ledgerline.broker.admin.DeleteTopicsHandler;
import io.ledgerline.broker.admin.DescribeClusterHandler;
import io.ledgerline.broker.admin.DescribeConfigsHandler;
import io.ledgerline.broker.admin.IncrementalAlterConfigsHandler;
import io.ledgerline.broker.admin.TopicConfigs;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.metadata.ClusterInfo;
import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.topic.TopicRegistry;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Registers the admin API handlers (topics, configs, cluster, records) in the dispatch table, each at every
 * stable version kafka-clients knows. They change state synchronously (the metadata record is durable before
 * the answer), so none of them is delayed.
 */
final class AdminApis {
    private AdminApis() {}

    static void register(ApiTable table, TopicRegistry topics, ClusterInfo cluster, BrokerConfig config) {
        TopicConfigs topicConfigs = new TopicConfigs(config);
        BrokerConfigs brokerConfigs = new BrokerConfigs(config, cluster.nodeId());
        table.register(ApiKeys.CREATE_TOPICS, new CreateTopicsHandler(topics, topicConfigs, cluster.nodeId(),
                        config.intValue(BrokerConfig.NUM_PARTITIONS)))
                .register(ApiKeys.DELETE_TOPICS, new DeleteTopicsHandler(topics))
                .register(ApiKeys.CREATE_PARTITIONS, new CreatePartitionsHandler(topics, cluster.nodeId()))
                .register(ApiKeys.DESCRIBE_CONFIGS, new DescribeConfigsHandler(topics, topicConfigs, brokerConfigs))
                .register(ApiKeys.ALTER_CONFIGS, new AlterConfigsHandler(topics, brokerConfigs))
                .register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, new IncrementalAlterConfigsHandler(topics, brokerConfigs))
                .register(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterHandler(cluster))
                .register(ApiKeys.DELETE_RECORDS, new DeleteRecordsHandler(topics));
    }
}

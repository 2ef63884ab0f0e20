package io.ledgerline.broker;

import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.metadata.ClusterInfo;
import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.topic.TopicRegistry;

/** Registers the admin API handlers (topics, configs, cluster, records) in the dispatch table. */
final class AdminApis {
    private AdminApis() {}

    static void register(ApiTable table, TopicRegistry topics, ClusterInfo cluster, BrokerConfig config) {
    }
}

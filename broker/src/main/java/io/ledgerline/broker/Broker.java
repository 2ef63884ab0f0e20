package io.ledgerline.broker;

import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.config.StartupChecks;
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
import io.ledgerline.broker.group.OffsetsLog;
import io.ledgerline.broker.group.SyncGroupHandler;
import io.ledgerline.broker.metadata.ApiVersionsHandler;
import io.ledgerline.broker.metadata.ClusterInfo;
import io.ledgerline.broker.metadata.MetadataHandler;
import io.ledgerline.broker.net.KafkaServer;
import io.ledgerline.broker.produce.ProduceHandler;
import io.ledgerline.broker.produce.ProducerIdManager;
import io.ledgerline.broker.txn.AddOffsetsToTxnHandler;
import io.ledgerline.broker.txn.AddPartitionsToTxnHandler;
import io.ledgerline.broker.txn.DescribeProducersHandler;
import io.ledgerline.broker.txn.DescribeTransactionsHandler;
import io.ledgerline.broker.txn.EndTxnHandler;
import io.ledgerline.broker.txn.InitProducerIdHandler;
import io.ledgerline.broker.txn.ListTransactionsHandler;
import io.ledgerline.broker.txn.TransactionCoordinator;
import io.ledgerline.broker.txn.TransactionLog;
import io.ledgerline.broker.txn.TxnOffsetCommitHandler;
import io.ledgerline.broker.txn.WriteTxnMarkersHandler;
import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.topic.MetadataLog;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.log.LogConfig;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.io.FileOpener;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.ApiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileSystemException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The broker: storage, Ledgerline's own metadata, the dispatch table and the listener, wired together.
 * {@link #close()} is the clean shutdown (listener first, then every log flushed and closed, then the
 * clean-shutdown marker).
 */
public final class Broker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final LogManager logs;
    private final TopicRegistry topics;
    private final ClusterInfo cluster;
    private final ScheduledExecutorService timer;
    /** Runs the handlers that block on the disk (metadata writes, file creation), off the network threads. */
    private final ExecutorService admin;
    private final GroupCoordinator groups;
    private final TransactionCoordinator transactions;
    private final KafkaServer server;
    private final ApiTable table;
    private final FetchSessionCache fetchSessions;
    private volatile boolean closed;

    private Broker(BrokerConfig config, FileOpener opener, LongSupplier clockMs, StartupChecks.Listener listener,
                   ServerSocketChannel socket, long started) throws IOException {
        this.config = config;
        this.logs = new LogManager(new LogManager.Settings(config.dataDir(), config.durableAck(),
                config.intValue(BrokerConfig.FLUSH_THREADS), config.longValue(BrokerConfig.FLUSH_INTERVAL_MS),
                config.longValue(BrokerConfig.RETENTION_CHECK_INTERVAL_MS), config.longValue(BrokerConfig.FILE_DELETE_DELAY_MS),
                config.intValue(BrokerConfig.PRODUCER_ID_EXPIRATION_MS), config.intValue(BrokerConfig.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS)),
                opener, clockMs);
        try {
            MetadataLog metadata = new MetadataLog(logs);
            this.cluster = new ClusterInfo(clusterId(metadata), config.intValue(BrokerConfig.NODE_ID));
            this.topics = new TopicRegistry(logs, metadata, topicDefaults(config));
            ProducerIdManager producerIds = new ProducerIdManager(metadata);
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ledgerline-delayed-requests");
                t.setDaemon(true);
                return t;
            });
            this.admin = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "ledgerline-admin");
                t.setDaemon(true);
                return t;
            });
            this.groups = new GroupCoordinator(new OffsetsLog(logs), groupSettings(config), clockMs);
            this.transactions = new TransactionCoordinator(new TransactionLog(logs), topics, producerIds, groups::completeTxn,
                    new TransactionCoordinator.Settings(config.intValue(BrokerConfig.TRANSACTION_MAX_TIMEOUT_MS),
                            config.longValue(BrokerConfig.TRANSACTION_ABORT_CHECK_INTERVAL_MS),
                            config.longValue(BrokerConfig.TRANSACTIONAL_ID_EXPIRATION_MS),
                            config.longValue(BrokerConfig.TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS)), clockMs);
            logs.completeStart(); // every partition known at start is open: logs the recovery summary, kept for status
            this.fetchSessions = new FetchSessionCache(config.intValue(BrokerConfig.MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS),
                    config.longValue(BrokerConfig.MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS), FetchSessionCache.SHARDS, clockMs);
            ApiTable table = new ApiTable();
            this.table = table;
            table.register(ApiKeys.API_VERSIONS, new ApiVersionsHandler(table))
                    .register(ApiKeys.METADATA, new MetadataHandler(topics, cluster,
                            config.bool(BrokerConfig.AUTO_CREATE_TOPICS), config.intValue(BrokerConfig.NUM_PARTITIONS), admin))
                    // Produce from v0: older librdkafka enables features only if v0 lies in the range;
                    // v0-2 requests themselves are refused (kafka-clients cannot parse them: connection closed).
                    .register(ApiKeys.PRODUCE, new ProduceHandler(topics, transactions, List.of(), admin), (short) 0, ApiKeys.PRODUCE.latestVersion(false))
                    .register(ApiKeys.FETCH, new FetchHandler(topics, timer, config.longValue(BrokerConfig.FETCH_MAX_WAIT_MS_MAX), fetchSessions))
                    .register(ApiKeys.LIST_OFFSETS, new ListOffsetsHandler(topics))
                    .register(ApiKeys.INIT_PRODUCER_ID, ApiHandler.offloaded(new InitProducerIdHandler(producerIds, transactions), admin))
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
                            ApiKeys.TXN_OFFSET_COMMIT.oldestVersion(), TxnOffsetCommitHandler.MAX_VERSION);
            AdminApis.register(table, topics, logs, cluster, config, admin);
            try {
                this.server = new KafkaServer(socket, config.intValue(BrokerConfig.SOCKET_REQUEST_MAX_BYTES), table);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting the listener on " + config.string(BrokerConfig.LISTEN), e);
            }
            cluster.advertise(listener.advertisedHost(), listener.advertisedPort() == 0 ? server.port() : listener.advertisedPort());
            log.info("Ledgerline listening on {}:{}, advertised to clients as {}:{} (cluster {}, node {}), data in {}, {} topic(s), "
                            + "started in {} ms", listener.bind().getAddress().getHostAddress(), server.port(), cluster.host(), cluster.port(), cluster.clusterId(),
                    cluster.nodeId(), config.dataDir().toAbsolutePath().normalize(), topics.all().size(), (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            logs.close();
            throw e;
        }
    }

    public static Broker start(BrokerConfig config) throws IOException {
        return start(config, FileOpener.DEFAULT, System::currentTimeMillis);
    }

    /** Starts over a custom file layer (tests inject faults through it). */
    public static Broker start(BrokerConfig config, FileOpener opener) throws IOException {
        return start(config, opener, System::currentTimeMillis);
    }

    /**
     * Starts with a clock of the caller's (tests set the time the storage engine and the coordinators see: timeouts,
     * expirations, start times). Only the broker's own clock: clients and the network keep theirs.
     */
    public static Broker start(BrokerConfig config, FileOpener opener, LongSupplier clockMs) throws IOException {
        long started = System.nanoTime();
        // Everything that can refuse the start without touching the disk comes first (StartupChecks).
        StartupChecks.Listener listener = StartupChecks.listener(config);
        StartupChecks.dataDir(config.dataDir());
        ServerSocketChannel socket;
        try {
            socket = KafkaServer.bind(listener.bind());
        } catch (IOException e) {
            throw StartupChecks.bindFailed(config, listener.bind(), e);
        }
        try {
            return new Broker(config, opener, clockMs, listener, socket, started);
        } catch (IOException | RuntimeException | Error e) {
            socket.close(); // a no-op if the server had taken it over and closed it
            if (e instanceof FileSystemException fse) throw StartupChecks.dataDirFailed(config.dataDir(), fse);
            throw e;
        }
    }

    private static String clusterId(MetadataLog metadata) {
        String[] id = {null};
        metadata.replay((k, v) -> {
            if (k.equals("cluster-id")) id[0] = v;
        });
        if (id[0] == null) {
            id[0] = Uuid.randomUuid().toString();
            metadata.write("cluster-id", id[0]);
        }
        return id[0];
    }

    static GroupCoordinator.Settings groupSettings(BrokerConfig c) {
        return new GroupCoordinator.Settings(c.longValue(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS),
                c.intValue(BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS), c.intValue(BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS),
                c.longValue(BrokerConfig.OFFSETS_RETENTION_MINUTES) * 60_000, c.longValue(BrokerConfig.OFFSETS_RETENTION_CHECK_INTERVAL_MS));
    }

    /** Topic-level defaults from the broker's log.* settings (Kafka's naming). */
    static Map<String, String> topicDefaults(BrokerConfig c) {
        Map<String, String> m = new HashMap<>();
        m.put(LogConfig.SEGMENT_BYTES, c.string(BrokerConfig.SEGMENT_BYTES));
        m.put(LogConfig.SEGMENT_MS, c.string(BrokerConfig.SEGMENT_MS));
        m.put(LogConfig.RETENTION_MS, c.string(BrokerConfig.RETENTION_MS));
        m.put(LogConfig.RETENTION_BYTES, c.string(BrokerConfig.RETENTION_BYTES));
        m.put(LogConfig.MAX_MESSAGE_BYTES, c.string(BrokerConfig.MESSAGE_MAX_BYTES));
        m.put(LogConfig.MESSAGE_TIMESTAMP_TYPE, c.string(BrokerConfig.TIMESTAMP_TYPE));
        m.put(LogConfig.CLEANUP_POLICY, c.string(BrokerConfig.CLEANUP_POLICY));
        return m;
    }

    /** The port the listener is bound to (the one picked, with listen port 0). */
    public int port() {
        return server.port();
    }

    /** The host clients are told to connect to: advertised.listener's, else listen's. */
    public String advertisedHost() {
        return cluster.host();
    }

    /** The port clients are told to connect to: advertised.listener's, else the bound one. */
    public int advertisedPort() {
        return cluster.port();
    }

    public TopicRegistry topics() {
        return topics;
    }

    public LogManager logs() {
        return logs;
    }

    public TransactionCoordinator transactions() {
        return transactions;
    }

    /** The dispatch table (tests drive it through an in-memory channel). */
    public ApiTable apiTable() {
        return table;
    }

    public io.ledgerline.broker.net.ConnectionStats connectionStats() {
        return server.stats();
    }

    /** The fetch session cache: its sessions(), partitionsCached() and evictions() are the fetch session metrics. */
    public FetchSessionCache fetchSessions() {
        return fetchSessions;
    }

    public BrokerConfig config() {
        return config;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        server.close();
        admin.shutdown();
        try {
            if (!admin.awaitTermination(30, TimeUnit.SECONDS)) log.warn("an admin request was still running at shutdown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        groups.close();
        transactions.close();
        if (logs.closeAndReport()) {
            log.info("Ledgerline stopped cleanly");
        } else {
            log.warn("Ledgerline stopped, but not every log closed cleanly: the next start will recover them");
        }
    }
}

package io.ledgerline.broker;

import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.config.StartupChecks;
import io.ledgerline.broker.fetch.FetchSessionCache;
import io.ledgerline.broker.group.GroupCoordinator;
import io.ledgerline.broker.group.OffsetsLog;
import io.ledgerline.broker.metadata.ClusterInfo;
import io.ledgerline.broker.net.KafkaServer;
import io.ledgerline.broker.produce.ProducerIdManager;
import io.ledgerline.broker.txn.TransactionCoordinator;
import io.ledgerline.broker.txn.TransactionLog;
import io.ledgerline.broker.pipeline.Pipeline;
import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.topic.MetadataCoordinator;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.log.Limits;
import io.ledgerline.log.LogConfig;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.io.FileOpener;
import org.apache.kafka.common.Uuid;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The broker: storage, Ledgerline's own metadata, the dispatch table and the listener, wired together.
 * {@link #close()} is the clean shutdown (listener first, then every log flushed and closed, then the
 * clean-shutdown marker).
 */
public final class Broker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);
    private static final AtomicInteger INSPECT_THREADS = new AtomicInteger();

    private final BrokerConfig config;
    private final LogManager logs;
    /** Ledgerline's own metadata (cluster id, producer-id blocks, topics), replayed once at start. */
    private final MetadataCoordinator metadata;
    private final TopicRegistry topics;
    private final ClusterInfo cluster;
    private final ScheduledExecutorService timer;
    /** Runs the handlers that block on the disk (metadata writes, file creation), off the network threads. */
    private final ExecutorService admin;
    private final ExecutorService inspection;
    private final GroupCoordinator groups;
    private final TransactionCoordinator transactions;
    private final KafkaServer server;
    private final ApiTable table;
    private final Pipeline pipeline;
    private final FetchSessionCache fetchSessions;
    private volatile boolean closed;

    private Broker(BrokerConfig config, FileOpener opener, LongSupplier clockMs, Apis.Extensions extensions,
                   StartupChecks.Listener listener, ServerSocketChannel socket, long started) throws IOException {
        this.config = config;
        this.logs = new LogManager(new LogManager.Settings(config.dataDir(), config.durableAck(),
                config.intValue(BrokerConfig.FLUSH_THREADS), config.longValue(BrokerConfig.FLUSH_INTERVAL_MS),
                config.longValue(BrokerConfig.RETENTION_CHECK_INTERVAL_MS), config.longValue(BrokerConfig.FILE_DELETE_DELAY_MS),
                config.intValue(BrokerConfig.PRODUCER_ID_EXPIRATION_MS), config.intValue(BrokerConfig.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS)),
                opener, clockMs);
        MetadataCoordinator metadata = null;
        try {
            this.metadata = metadata = new MetadataCoordinator(logs, clockMs, Uuid::randomUuid);
            this.cluster = new ClusterInfo(metadata.clusterId(), config.intValue(BrokerConfig.NODE_ID));
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
            // Batch inspection (decoding and checking every record of a batch) runs here: never on an event loop,
            // never under a coordinator's monitor. Threads start on the first inspected produce only.
            this.inspection = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
                Thread t = new Thread(r, "ledgerline-inspect-" + INSPECT_THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.groups = new GroupCoordinator(OffsetsLog.open(logs, clockMs), groupSettings(config), clockMs,
                    GroupCoordinator.randomMemberIdSuffixes());
            this.transactions = new TransactionCoordinator(TransactionLog.open(logs, clockMs), topics, producerIds, groups::completeTxn,
                    new TransactionCoordinator.Settings(config.intValue(BrokerConfig.TRANSACTION_MAX_TIMEOUT_MS),
                            config.longValue(BrokerConfig.TRANSACTION_ABORT_CHECK_INTERVAL_MS),
                            config.longValue(BrokerConfig.TRANSACTIONAL_ID_EXPIRATION_MS),
                            config.longValue(BrokerConfig.TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS)), clockMs);
            logs.completeStart(); // every partition known at start is open: logs the recovery summary, kept for status
            this.fetchSessions = new FetchSessionCache(config.intValue(BrokerConfig.MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS),
                    config.longValue(BrokerConfig.MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS), Limits.FETCH_SESSION_SHARDS, clockMs);
            this.table = Apis.table(config, logs, topics, cluster, producerIds, groups, transactions, fetchSessions, timer, admin,
                    extensions.inspectors(), inspection);
            this.pipeline = Apis.pipeline(table, admin, extensions);
            try {
                this.server = new KafkaServer(socket, config.intValue(BrokerConfig.SOCKET_REQUEST_MAX_BYTES), pipeline, clockMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting the listener on " + config.string(BrokerConfig.LISTEN), e);
            }
            cluster.advertise(listener.advertisedHost(), listener.advertisedPort() == 0 ? server.port() : listener.advertisedPort());
            log.info("Ledgerline listening on {}:{}, advertised to clients as {}:{} (cluster {}, node {}), data in {}, {} topic(s), "
                            + "started in {} ms", listener.bind().getAddress().getHostAddress(), server.port(), cluster.host(), cluster.port(), cluster.clusterId(),
                    cluster.nodeId(), config.dataDir().toAbsolutePath().normalize(), topics.all().size(), (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            if (metadata != null) metadata.close();
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
        return start(config, opener, clockMs, Apis.Extensions.NONE);
    }

    /** Starts with a quota policy and extra request stages ({@link Apis#pipeline}: where they run). */
    public static Broker start(BrokerConfig config, FileOpener opener, LongSupplier clockMs, Apis.Extensions extensions)
            throws IOException {
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
            return new Broker(config, opener, clockMs, extensions, listener, socket, started);
        } catch (IOException | RuntimeException | Error e) {
            socket.close(); // a no-op if the server had taken it over and closed it
            if (e instanceof FileSystemException fse) throw StartupChecks.dataDirFailed(config.dataDir(), fse);
            throw e;
        }
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

    /** The dispatch table. */
    public ApiTable apiTable() {
        return table;
    }

    /** The request pipeline over the dispatch table (tests drive it through an in-memory channel). */
    public Pipeline pipeline() {
        return pipeline;
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
        inspection.shutdown();
        try {
            if (!inspection.awaitTermination(30, TimeUnit.SECONDS)) log.warn("a batch inspection was still running at shutdown");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        groups.close();
        transactions.close();
        metadata.close(); // after every writer of metadata (admin requests, transactions' producer ids)
        if (logs.closeAndReport()) {
            log.info("Ledgerline stopped cleanly");
        } else {
            log.warn("Ledgerline stopped, but not every log closed cleanly: the next start will recover them");
        }
    }
}

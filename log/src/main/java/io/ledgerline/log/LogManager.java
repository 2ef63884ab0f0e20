package io.ledgerline.log;

import io.ledgerline.log.io.AtomicFiles;
import io.ledgerline.log.io.FileOpener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * All partition logs under one data directory, plus what they share: the group-commit flusher (or the
 * interval flusher), the retention schedule, the producer-expiration schedule, and the clean-shutdown marker.
 *
 * <p>Layout: {@code <dataDir>/logs/<topic>-<partition>/} per partition, {@code <dataDir>/.clean-shutdown},
 * present only between a clean close and the next start, and {@code <dataDir>/.lock} (see {@link DataDirLock}).
 * The first thing a LogManager does is take the directory's lock, before it reads or writes anything there;
 * a directory another broker holds is refused ({@link DataDirLock.HeldException}). Under the lock the marker
 * is read and removed (durably) before anything is written, so a later crash is never mistaken for a clean
 * stop, and it is written again only by the holder's clean close, just before the lock is released.
 */
public final class LogManager implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogManager.class);
    private static final String CLEAN_MARKER = ".clean-shutdown";

    /**
     * Settings of the storage engine as a whole.
     *
     * @param producerIdExpirationMs              how long a producer's state outlives its last batch or marker in a
     *                                            partition with no transaction open there (Kafka's
     *                                            producer.id.expiration.ms)
     * @param producerIdExpirationCheckIntervalMs how often expired producers are removed (Kafka's
     *                                            producer.id.expiration.check.interval.ms)
     */
    public record Settings(Path dataDir, boolean durableAck, int flushThreads, long flushIntervalMs,
                           long retentionCheckIntervalMs, long fileDeleteDelayMs, long producerIdExpirationMs,
                           long producerIdExpirationCheckIntervalMs) {
        /** Kafka's default producer.id.expiration.ms: 1 day. */
        public static final long PRODUCER_ID_EXPIRATION_MS_DEFAULT = 86_400_000L;
        /** Kafka's default producer.id.expiration.check.interval.ms: 10 minutes. */
        public static final long PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS_DEFAULT = 600_000L;

        public Settings {
            assert producerIdExpirationMs > 0 && producerIdExpirationCheckIntervalMs > 0 : "checked by BrokerConfig";
        }

        /** With Kafka's defaults for producer-id expiration. */
        public Settings(Path dataDir, boolean durableAck, int flushThreads, long flushIntervalMs,
                        long retentionCheckIntervalMs, long fileDeleteDelayMs) {
            this(dataDir, durableAck, flushThreads, flushIntervalMs, retentionCheckIntervalMs, fileDeleteDelayMs,
                    PRODUCER_ID_EXPIRATION_MS_DEFAULT, PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS_DEFAULT);
        }
    }

    private final Settings settings;
    private final Path logsDir;
    private final FileOpener opener;
    private final boolean cleanStart;
    private final GroupCommit groupCommit;
    private final ScheduledExecutorService scheduler;
    private final LogContext ctx;
    private final Map<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final DataDirLock lock;
    private final boolean fresh;
    private final long startedNanos = System.nanoTime();
    private final RecoverySummary.Collector recovery = new RecoverySummary.Collector();
    private volatile RecoverySummary startSummary;
    /** How {@link #closeAndReport()} went; null while open. */
    private Boolean closedCleanly;

    public LogManager(Settings settings, FileOpener opener, LongSupplier clockMs) throws IOException {
        this.settings = settings;
        this.opener = opener;
        this.logsDir = settings.dataDir().resolve("logs");
        // Before anything else touches the directory: a second broker must be refused with the files untouched.
        this.lock = DataDirLock.acquire(opener, settings.dataDir());
        try {
            this.fresh = !Files.isDirectory(logsDir);
            AtomicFiles.createDirectories(opener, logsDir);
            Path marker = settings.dataDir().resolve(CLEAN_MARKER);
            this.cleanStart = Files.exists(marker);
            if (cleanStart) {
                Files.delete(marker);
                opener.syncDirectory(settings.dataDir());
            }
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        log.info("storage at {} ({}), flush mode {}", settings.dataDir().toAbsolutePath().normalize(),
                fresh ? "new data directory" : cleanStart ? "clean shutdown last time"
                        : "no clean-shutdown marker: the tail of every log is checked",
                settings.durableAck() ? "fsync before ack" : "interval " + settings.flushIntervalMs() + " ms");
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "ledgerline-log-scheduler");
            t.setDaemon(true);
            return t;
        });
        this.groupCommit = settings.durableAck() ? new GroupCommit(settings.flushThreads()) : null;
        LogContext.FlushScheduler flusher = groupCommit != null ? groupCommit : p -> { };
        this.ctx = new LogContext(opener, clockMs, settings.durableAck(), flusher, scheduler, settings.fileDeleteDelayMs(),
                settings.producerIdExpirationMs());
        if (!settings.durableAck()) {
            scheduler.scheduleWithFixedDelay(this::flushAll, settings.flushIntervalMs(), settings.flushIntervalMs(),
                    TimeUnit.MILLISECONDS);
        }
        scheduler.scheduleWithFixedDelay(this::applyRetention, settings.retentionCheckIntervalMs(),
                settings.retentionCheckIntervalMs(), TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::removeExpiredProducers, settings.producerIdExpirationCheckIntervalMs(),
                settings.producerIdExpirationCheckIntervalMs(), TimeUnit.MILLISECONDS);
    }

    public LogManager(Settings settings) throws IOException {
        this(settings, FileOpener.DEFAULT, System::currentTimeMillis);
    }

    /** Opens the partition's log, creating it when absent; recovering it when the last stop was unclean. */
    public PartitionLog open(TopicPartition tp, LogConfig config) throws IOException {
        PartitionLog existing = logs.get(tp);
        if (existing != null) return existing;
        synchronized (logs) {
            existing = logs.get(tp);
            if (existing != null) return existing;
            PartitionLog p = PartitionLog.open(tp, dirOf(tp), config, ctx, cleanStart);
            PartitionLog.Recovery r = p.recovery();
            recovery.partition(r.scanned(), r.batchesRead(), r.truncations());
            logs.put(tp, p);
            return p;
        }
    }

    public PartitionLog get(TopicPartition tp) {
        return logs.get(tp);
    }

    public Collection<PartitionLog> all() {
        return logs.values();
    }

    /** Partition directories on disk (to find logs of topics that no longer exist). */
    public List<TopicPartition> partitionsOnDisk() throws IOException {
        List<TopicPartition> out = new ArrayList<>();
        try (var ds = Files.newDirectoryStream(logsDir)) {
            for (Path d : ds) {
                String n = d.getFileName().toString();
                int i = n.lastIndexOf('-');
                if (i <= 0) continue;
                try {
                    out.add(new TopicPartition(n.substring(0, i), Integer.parseInt(n.substring(i + 1))));
                } catch (NumberFormatException ignored) {
                    // not a partition directory
                }
            }
        }
        return out;
    }

    /** Deletes a partition's log and files (DeleteTopics); works whether or not it is open. */
    public void delete(TopicPartition tp) throws IOException {
        PartitionLog p = logs.remove(tp);
        if (p != null) {
            p.deleteAll();
        } else {
            Path d = dirOf(tp);
            if (Files.exists(d)) {
                try (var walk = Files.walk(d)) {
                    for (Path f : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.deleteIfExists(f);
                }
            }
        }
        opener.syncDirectory(logsDir);
    }

    private Path dirOf(TopicPartition tp) {
        return logsDir.resolve(tp.topic() + "-" + tp.partition());
    }

    public boolean cleanStart() {
        return cleanStart;
    }

    /**
     * Ends the start: summarizes what opening the partitions found and cut (after an unclean stop: partitions
     * checked, batches read, every truncation, time since the lock was taken), logs it as one INFO line, and
     * keeps it for {@link #startSummary()}. Called once every partition known at start is open.
     */
    public RecoverySummary completeStart() {
        RecoverySummary.PreviousStop stop = fresh ? RecoverySummary.PreviousStop.NEW_DIRECTORY
                : cleanStart ? RecoverySummary.PreviousStop.CLEAN : RecoverySummary.PreviousStop.UNCLEAN;
        RecoverySummary s = recovery.summary(stop, (System.nanoTime() - startedNanos) / 1_000_000);
        startSummary = s;
        log.info("start-up recovery: {}", s.describe());
        return s;
    }

    /** The summary {@link #completeStart()} made; null before it ran. */
    public RecoverySummary startSummary() {
        return startSummary;
    }

    /** The data directory's lock, held until {@link #close()} (package-private: tests simulate a kill with it). */
    DataDirLock dataDirLock() {
        return lock;
    }

    public GroupCommit groupCommit() {
        return groupCommit;
    }

    public LogContext context() {
        return ctx;
    }

    private void flushAll() {
        for (PartitionLog p : logs.values()) p.flush();
    }

    /** One retention pass over every partition (also run on the schedule). */
    public void applyRetention() {
        forEachLog("retention", PartitionLog::applyRetention);
    }

    /** One pass of producer-id expiration over every partition (also run on the schedule). */
    public void removeExpiredProducers() {
        forEachLog("producer expiration", PartitionLog::removeExpiredProducers);
    }

    /** Runs {@code task} on every partition; one that fails is logged, and the others still get their turn. */
    private void forEachLog(String task, Consumer<PartitionLog> action) {
        for (PartitionLog p : logs.values()) {
            try {
                action.accept(p);
            } catch (RuntimeException e) {
                log.warn("{}: {} failed: {}", p.topicPartition(), task, e.toString());
            }
        }
    }

    /** Clean shutdown: every log flushed and closed, then the marker written. */
    @Override
    public void close() {
        closeAndReport();
    }

    /**
     * {@link #close()} that says how it went: true when every log closed cleanly and the marker was written
     * (the next start skips recovery); false when some log failed, so the next start recovers.
     */
    public synchronized boolean closeAndReport() {
        if (closedCleanly != null) return closedCleanly; // the lock is gone: never write the marker again
        try {
            closedCleanly = closeLogs();
            return closedCleanly;
        } finally {
            try {
                lock.close(); // after the marker: nobody else may start on the directory before it is written
            } catch (IOException e) {
                log.warn("could not release the data directory's lock: {}", e.toString());
            }
        }
    }

    private boolean closeLogs() {
        scheduler.shutdown();
        boolean allClean = true;
        for (PartitionLog p : logs.values()) {
            try {
                p.close();
                if (p.isOffline()) allClean = false;
            } catch (IOException e) {
                allClean = false;
                log.error("{}: close failed: {}", p.topicPartition(), e.toString());
            }
        }
        if (groupCommit != null) groupCommit.close();
        scheduler.shutdownNow();
        if (allClean) {
            try {
                Path marker = settings.dataDir().resolve(CLEAN_MARKER);
                Files.write(marker, new byte[0]);
                try (var ch = opener.openReadWrite(marker)) {
                    ch.force(true);
                }
                opener.syncDirectory(settings.dataDir());
            } catch (IOException e) {
                log.error("could not write the clean-shutdown marker: {}", e.toString());
                return false;
            }
        }
        return allClean;
    }
}

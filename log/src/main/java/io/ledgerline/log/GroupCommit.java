package io.ledgerline.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Group commit: one thread turns "these partitions have appends waiting to be durable" into fsync rounds.
 *
 * <p>A round takes every partition that asked since the last round and fdatasyncs each once, up to
 * {@code threads} at a time (fsyncs of different files proceed in parallel on the device; one after another
 * they would make a 64-partition round 64 times as long). While a round runs, new requests gather for the
 * next one, so under load one fsync covers every request that arrived during the previous fsync — the window
 * adapts to the disk's speed with no timer to tune.
 */
public final class GroupCommit implements LogContext.FlushScheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);

    private final Set<PartitionLog> requested = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private final ExecutorService pool;
    private volatile boolean running = true;
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong fsyncs = new AtomicLong();

    public GroupCommit(int threads) {
        this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "ledgerline-fsync");
            t.setDaemon(true);
            return t;
        }) : null;
        this.thread = new Thread(this::run, "ledgerline-group-commit");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public void requestFlush(PartitionLog partition) {
        if (requested.add(partition)) LockSupport.unpark(thread);
    }

    private void run() {
        List<PartitionLog> round = new ArrayList<>();
        while (running) {
            if (requested.isEmpty()) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                continue;
            }
            round.clear();
            for (PartitionLog p : requested) {
                requested.remove(p);
                round.add(p);
            }
            try {
                flushAll(round);
            } catch (Throwable t) {
                // This thread is every partition's only path to an ack: it must outlive any one failure.
                log.error("group commit round failed", t);
            }
            rounds.incrementAndGet();
            fsyncs.addAndGet(round.size());
        }
    }

    private void flushAll(List<PartitionLog> round) {
        if (pool == null || round.size() == 1) {
            for (PartitionLog p : round) p.flush();
            return;
        }
        List<Future<?>> futures = new ArrayList<>(round.size());
        for (int i = 1; i < round.size(); i++) {
            PartitionLog p = round.get(i);
            futures.add(pool.submit(p::flush));
        }
        round.get(0).flush();
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (Exception e) {
                log.error("flush task failed", e);
            }
        }
    }

    /** Rounds completed and partition fsyncs issued, for metrics and benchmarks. */
    public long rounds() {
        return rounds.get();
    }

    public long fsyncs() {
        return fsyncs.get();
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pool != null) pool.shutdownNow();
    }
}

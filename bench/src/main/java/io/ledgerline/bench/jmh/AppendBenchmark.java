package io.ledgerline.bench.jmh;

import io.ledgerline.log.AppendResult;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code PartitionLog.append} of one producer batch: validation (size, magic, CRC32C over the batch), offset
 * assignment in place, the write to the segment file (page cache) and the sparse index. {@code append} is the
 * path without durability (flush.mode=interval); {@code appendDurable} also waits for the group commit's
 * fdatasync, i.e. what one producer with one batch in flight sees under flush.mode=fsync.
 *
 * <p>Each iteration starts a fresh log: a measured second writes up to a few GiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AppendBenchmark {
    /** Records per batch: 16 is a full default 16 KiB producer batch of 1 KiB records; 128 a 128 KiB one. */
    @Param({"1", "16", "128"})
    int records;

    private Path dir;
    private LogManager plain;
    private LogManager durable;
    private PartitionLog plainLog;
    private PartitionLog durableLog;
    private MemoryRecords batch;

    @Setup(Level.Iteration)
    public void setUp() throws Exception {
        dir = Fixtures.scratch("append");
        plain = Fixtures.logManager(dir.resolve("interval"), false);
        durable = Fixtures.logManager(dir.resolve("fsync"), true);
        plainLog = plain.open(new TopicPartition("t", 0), Fixtures.logConfig());
        durableLog = durable.open(new TopicPartition("t", 0), Fixtures.logConfig());
        batch = Fixtures.batch(records);
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws Exception {
        plain.close();
        durable.close();
        Fixtures.delete(dir);
    }

    @Benchmark
    public AppendResult append() {
        // the same batch again: append rewrites its base offset in place, and the CRC does not cover it
        return plainLog.append(batch);
    }

    @Benchmark
    @Measurement(iterations = 5, time = 1)
    public Object appendDurable() {
        AppendResult r = durableLog.append(batch);
        return durableLog.durable(r.lastOffset()).join();
    }
}

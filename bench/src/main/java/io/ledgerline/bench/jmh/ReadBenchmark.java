package io.ledgerline.bench.jmh;

import io.ledgerline.log.LogManager;
import io.ledgerline.log.PartitionLog;
import io.ledgerline.log.ReadResult;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code PartitionLog.read}: the segment lookup, the sparse-index lookup and the scan of batch headers from the
 * indexed position to the batch holding the offset, ending in a FileRecords slice (no data copied). A fetch
 * asks for one of these per partition. Offsets are drawn at random over a log of {@code batches} batches of 16
 * records (1 KiB each), so the index and the scan do their full work, with the file in the page cache.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReadBenchmark {
    private static final int RECORDS_PER_BATCH = 16;

    @Param({"20000"})
    int batches;

    /** The partition limit of a fetch: 1 MiB is the consumer's max.partition.fetch.bytes default. */
    @Param({"1048576"})
    int maxBytes;

    private Path dir;
    private LogManager logs;
    private PartitionLog log;
    private long end;
    private final SplittableRandom random = new SplittableRandom(7);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Fixtures.scratch("read");
        logs = Fixtures.logManager(dir, false);
        log = logs.open(new TopicPartition("t", 0), Fixtures.logConfig());
        for (int i = 0; i < batches; i++) {
            MemoryRecords b = Fixtures.batch(RECORDS_PER_BATCH);
            log.append(b);
        }
        end = log.highWatermark();
        if (end != (long) batches * RECORDS_PER_BATCH) throw new IllegalStateException("high watermark " + end);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        logs.close();
        Fixtures.delete(dir);
    }

    @Benchmark
    public ReadResult readRandomOffset() {
        return log.read(random.nextLong(end), maxBytes, true);
    }

    @Benchmark
    public ReadResult readTail() {
        return log.read(end - RECORDS_PER_BATCH, maxBytes, true);
    }
}

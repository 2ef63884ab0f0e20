package io.ledgerline.bench.jmh;

import io.ledgerline.log.LogConfig;
import io.ledgerline.log.LogManager;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/** What the micro-benchmarks share: batches shaped like the producer's, logs in a scratch directory. */
final class Fixtures {
    static final int RECORD_BYTES = 1024;

    private Fixtures() {}

    /** One uncompressed v2 batch of {@code records} 1 KiB values without keys, as a Java producer sends it. */
    static MemoryRecords batch(int records) {
        Random r = new Random(42);
        SimpleRecord[] rs = new SimpleRecord[records];
        long now = System.currentTimeMillis();
        for (int i = 0; i < records; i++) {
            byte[] v = new byte[RECORD_BYTES];
            r.nextBytes(v);
            rs[i] = new SimpleRecord(now, null, v);
        }
        return MemoryRecords.withRecords(Compression.NONE, rs);
    }

    static LogConfig logConfig() {
        return LogConfig.fromMap(Map.of(
                LogConfig.SEGMENT_BYTES, "1073741824",
                LogConfig.SEGMENT_MS, "604800000",
                LogConfig.RETENTION_MS, "-1",
                LogConfig.RETENTION_BYTES, "-1",
                LogConfig.MAX_MESSAGE_BYTES, "1048588",
                LogConfig.MESSAGE_TIMESTAMP_TYPE, "CreateTime",
                LogConfig.CLEANUP_POLICY, "delete"), Map.of());
    }

    /** A log manager over a fresh scratch directory; {@code durableAck} as flush.mode=fsync. */
    static LogManager logManager(Path dir, boolean durableAck) throws IOException {
        return new LogManager(new LogManager.Settings(dir, durableAck, 4, 1000, 3_600_000, 0));
    }

    static Path scratch(String name) throws IOException {
        Path base = Path.of(System.getProperty("bench.scratch", System.getProperty("java.io.tmpdir")));
        return Files.createTempDirectory(base, "ledgerline-jmh-" + name);
    }

    static void delete(Path p) throws IOException {
        if (p == null || !Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }
}

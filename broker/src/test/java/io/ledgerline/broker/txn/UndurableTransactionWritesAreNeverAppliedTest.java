package io.ledgerline.broker.txn;

import io.ledgerline.broker.produce.ProducerIdManager;
import io.ledgerline.broker.topic.MetadataCoordinator;
import io.ledgerline.broker.topic.TopicRegistry;
import io.ledgerline.coordinator.InternalLog;
import io.ledgerline.log.LogConfig;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.Seeded;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write to the transaction log that fails (disk full, a failed fsync) is never applied, and its transactional id
 * is not left pending: a seeded {@link TxnWorkload} runs against a coordinator over a log that refuses about one
 * append in five (a Complete record, which would only be retried a second later, is always taken). After every
 * step, once the coordinator is quiet with no id pending, its digest equals that of a fresh {@link TxnStateMachine}
 * fed only the records the log took; a coordinator restarted on that log loads the same digest. The partitions the
 * markers go to are real. {@code -Dledgerline.seed=N} replays one seed.
 */
class UndurableTransactionWritesAreNeverAppliedTest {
    @RegisterExtension
    final Seeded seeded = new Seeded();
    @TempDir
    Path dir;
    final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    final List<AutoCloseable> open = new ArrayList<>();

    /** Takes or refuses each append at once; what it took is what it replays. */
    static final class RefusingLog implements InternalLog<TxnRecord> {
        private final Random random;
        private final List<TxnRecord> taken = new ArrayList<>();
        int refused;

        RefusingLog(Random random) {
            this.random = random;
        }

        @Override
        public synchronized CompletableFuture<Void> append(List<TxnRecord> records) {
            boolean completion = records.stream().allMatch(r -> r.value() != null && r.value().state().expirable()
                    && r.value().state() != TransactionState.EMPTY);
            if (!completion && random.nextInt(5) == 0) {
                refused++;
                return CompletableFuture.failedFuture(new KafkaStorageException("injected: the transaction log refused the write"));
            }
            taken.addAll(records);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public synchronized void replay(Consumer<TxnRecord> apply) {
            taken.forEach(apply);
        }

        String replayedDigest() {
            TxnStateMachine fresh = new TxnStateMachine();
            replay(fresh::replay);
            return fresh.digest();
        }
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    @Test
    void visibleStateIsAlwaysTheReplayOfWhatTheLogTook() throws Exception {
        Random random = seeded.random();
        RefusingLog txnLog = new RefusingLog(new Random(seeded.seed() + 1));
        LogManager logs = new LogManager(new LogManager.Settings(dir, true, 1, 1000, 3_600_000, 0));
        open.add(logs);
        MetadataCoordinator metadata = new MetadataCoordinator(logs, clock::get, Uuid::randomUuid);
        open.add(metadata);
        TopicRegistry topics = new TopicRegistry(logs, metadata, Map.of(LogConfig.SEGMENT_BYTES, "1073741824",
                LogConfig.SEGMENT_MS, "604800000", LogConfig.RETENTION_MS, "-1", LogConfig.RETENTION_BYTES, "-1",
                LogConfig.MAX_MESSAGE_BYTES, "1048588", LogConfig.MESSAGE_TIMESTAMP_TYPE, "CreateTime", LogConfig.CLEANUP_POLICY, "delete"));
        topics.create(TxnWorkload.TOPIC, TxnWorkload.PARTITIONS, Map.of());
        ProducerIdManager producerIds = new ProducerIdManager(metadata);
        TransactionCoordinator.GroupOffsets noGroups = (pid, groups, commit) -> CompletableFuture.completedFuture(null);
        TxnWorkload workload = new TxnWorkload(clock);

        for (int life = 0; life < 2; life++) {
            TransactionCoordinator tc = new TransactionCoordinator(txnLog, topics, producerIds, noGroups, TxnWorkload.settings(), clock::get);
            open.add(tc);
            assertThat(tc.digest()).as("life %d: loaded from the log", life).isEqualTo(txnLog.replayedDigest());
            for (int step = 0; step < 200; step++) {
                workload.step(random, tc);
                assertThat(tc.digest()).as("life %d step %d", life, step).isEqualTo(txnLog.replayedDigest());
            }
            tc.close();
        }
        assertThat(txnLog.refused).as("writes refused").isPositive();
        assertThat(workload.coverage()).as("commits, aborts, expirations, fenced requests").allMatch(n -> n > 0);
    }
}

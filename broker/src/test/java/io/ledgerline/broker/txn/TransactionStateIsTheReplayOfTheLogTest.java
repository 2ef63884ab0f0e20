package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.Seeded;
import io.ledgerline.log.io.FileOpener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transaction coordinator's state is the replay of its log, on a real broker: a seeded {@link TxnWorkload}
 * over three broker lives on one data directory, the broker's clock held by the test. Every ten steps, once the
 * coordinator is quiet, the digest of its live state equals the digest of a fresh {@link TxnStateMachine} fed the
 * transaction log from disk (through a clock that fails if read); each restart's replayed state has the digest the
 * broker had when it stopped. {@code -Dledgerline.seed=N} replays one seed.
 */
class TransactionStateIsTheReplayOfTheLogTest {
    @RegisterExtension
    final Seeded seeded = new Seeded();
    @TempDir
    Path dir;
    final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private void start() throws IOException {
        TransactionCoordinator.Settings s = TxnWorkload.settings();
        broker = Broker.start(BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0",
                "transactional.id.expiration.ms", Long.toString(s.transactionalIdExpirationMs()),
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", Long.toString(s.abortTimedOutCheckIntervalMs()),
                "transaction.remove.expired.transaction.cleanup.interval.ms", Long.toString(s.removeExpiredIntervalMs()))),
                FileOpener.DEFAULT, clock::get);
        if (broker.topics().partition(TxnWorkload.TOPIC, 0) == null) {
            broker.topics().create(TxnWorkload.TOPIC, TxnWorkload.PARTITIONS, Map.of());
        }
    }

    @Test
    void liveStateDigestEqualsTheDigestOfAFreshReplayAndOfEveryRestart() throws Exception {
        Random random = seeded.random();
        TxnWorkload workload = new TxnWorkload(clock);
        String lastDigest = null;
        for (int life = 0; life < 3; life++) {
            start();
            TransactionCoordinator tc = broker.transactions();
            if (lastDigest != null) {
                assertThat(tc.digest()).as("life %d: the restarted broker's replayed state", life).isEqualTo(lastDigest);
            }
            for (int step = 0; step < 120; step++) {
                workload.step(random, tc);
                if (step % 10 == 9) {
                    assertThat(freshReplay(broker.logs())).as("life %d step %d: a fresh replay of the live log", life, step)
                            .isEqualTo(tc.digest());
                }
            }
            lastDigest = tc.digest();
            broker.close();
            broker = null;
        }
        try (LogManager logs = new LogManager(new LogManager.Settings(dir, true, 1, 1000, 3_600_000, 0))) {
            assertThat(freshReplay(logs)).as("a fresh replay of the stopped broker's log").isEqualTo(lastDigest);
        }
        assertThat(workload.coverage()).as("commits, aborts, expirations, fenced requests").allMatch(n -> n > 0);
    }

    /** The digest of a new state machine fed every durable record of the transaction log in {@code logs}. */
    private static String freshReplay(LogManager logs) throws IOException {
        TxnStateMachine fresh = new TxnStateMachine();
        TransactionLog.open(logs, () -> {
            throw new AssertionError("replay reads no clock");
        }).replay(fresh::replay);
        return fresh.digest();
    }
}

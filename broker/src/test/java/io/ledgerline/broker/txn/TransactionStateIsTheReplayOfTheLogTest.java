package io.ledgerline.broker.txn;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.log.LogManager;
import io.ledgerline.log.Seeded;
import io.ledgerline.log.io.FileOpener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The transaction coordinator's state is the replay of its log. A seeded random workload drives a real broker's
 * coordinator with the broker's clock held by the test: InitProducerId (first, bumps, KIP-360 expectations right and
 * wrong, fencing an ongoing transaction), AddPartitionsToTxn and AddOffsetsToTxn (some with a fenced epoch), EndTxn
 * commit and abort (some mismatched), transaction timeouts and transactional-id expiration (tombstones), over three
 * broker lives on one data directory. Every few steps, once the coordinator is quiet, the digest of its live state
 * equals the digest of a fresh {@link TxnStateMachine} fed the transaction log from disk; each restart's replayed
 * state has the digest the broker had when it stopped. {@code -Dledgerline.seed=N} replays one seed.
 */
class TransactionStateIsTheReplayOfTheLogTest {
    private static final List<String> IDS = List.of("t0", "t1", "t2", "t3", "t4");
    private static final String TOPIC = "seeded";
    private static final List<String> GROUPS = List.of("g0", "g1");
    private static final long EXPIRATION_MS = 2500;
    private static final int[] TIMEOUTS_MS = {500, 3000, 60_000};

    @RegisterExtension
    final Seeded seeded = new Seeded();
    @TempDir
    Path dir;
    final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    Broker broker;

    /** What the test's producers believe they hold, per transactional id (-1: nothing yet). */
    private record Held(long producerId, short epoch) {}

    private final Map<String, Held> held = new HashMap<>();
    /** Coverage of the workload, so that a seed which reached nothing interesting fails instead of passing. */
    private int commits, aborts, expirations, fenced;

    @AfterEach
    void stop() {
        if (broker != null) broker.close();
    }

    private void start() throws IOException {
        // The scans run only when the test calls them: no timer decides anything behind the seed's back.
        broker = Broker.start(BrokerConfig.of(Map.of("data.dir", dir.toString(), "listen", "127.0.0.1:0",
                "transactional.id.expiration.ms", Long.toString(EXPIRATION_MS),
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "3600000",
                "transaction.remove.expired.transaction.cleanup.interval.ms", "3600000")), FileOpener.DEFAULT, clock::get);
        if (broker.topics().partition(TOPIC, 0) == null) broker.topics().create(TOPIC, 3, Map.of());
    }

    @Test
    void liveStateDigestEqualsTheDigestOfAFreshReplayAndOfEveryRestart() throws Exception {
        Random random = seeded.random();
        String lastDigest = null;
        for (int life = 0; life < 3; life++) {
            start();
            TransactionCoordinator tc = broker.transactions();
            if (lastDigest != null) {
                assertThat(tc.digest()).as("life %d: the restarted broker's replayed state", life).isEqualTo(lastDigest);
            }
            for (int step = 0; step < 120; step++) {
                step(random, tc);
                awaitQuiet(tc);
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
        assertThat(List.of(commits, aborts, expirations, fenced)).as("commits, aborts, expirations, fenced requests")
                .allMatch(n -> n > 0);
    }

    /** The digest of a new state machine fed every durable record of the transaction log in {@code logs}. */
    private static String freshReplay(LogManager logs) throws IOException {
        TxnStateMachine fresh = new TxnStateMachine();
        TransactionLog.open(logs, () -> {
            throw new AssertionError("replay reads no clock");
        }).replay(fresh::replay);
        return fresh.digest();
    }

    private void step(Random random, TransactionCoordinator tc) throws Exception {
        String id = IDS.get(random.nextInt(IDS.size()));
        Held h = held.getOrDefault(id, new Held(RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH));
        // Mostly the epoch the producer holds; sometimes a stale one, as a zombie would send.
        short epoch = random.nextInt(10) == 0 ? (short) (h.epoch() - 1) : h.epoch();
        int op = random.nextInt(100);
        if (op < 15) {
            boolean kip360 = h.producerId() >= 0 && random.nextInt(3) == 0;
            TransactionCoordinator.InitResult r = get(tc.initProducerId(id, TIMEOUTS_MS[random.nextInt(TIMEOUTS_MS.length)],
                    kip360 ? h.producerId() : RecordBatch.NO_PRODUCER_ID, kip360 ? epoch : RecordBatch.NO_PRODUCER_EPOCH));
            if (r.error() == Errors.NONE) held.put(id, new Held(r.producerId(), r.epoch()));
            if (r.error() == Errors.PRODUCER_FENCED) fenced++;
        } else if (op < 45) {
            Set<TopicPartition> parts = new HashSet<>();
            for (int p = 0; p < 3; p++) if (random.nextBoolean()) parts.add(new TopicPartition(TOPIC, p));
            if (parts.isEmpty()) parts.add(new TopicPartition(TOPIC, random.nextInt(3)));
            count(get(tc.add(id, h.producerId(), epoch, parts, Set.of())));
        } else if (op < 55) {
            count(get(tc.add(id, h.producerId(), epoch, Set.of(), Set.of(GROUPS.get(random.nextInt(GROUPS.size()))))));
        } else if (op < 75) {
            boolean commit = random.nextInt(3) > 0;
            TxnMetadata before = tc.describe(id);
            Errors e = get(tc.endTxn(id, h.producerId(), epoch, commit));
            count(e);
            if (e == Errors.NONE && before != null && before.state() == TransactionState.ONGOING) {
                if (commit) commits++;
                else aborts++;
            }
        } else if (op < 88) {
            clock.addAndGet(random.nextInt(1500));
        } else if (op < 92) {
            tc.abortTimedOut();
        } else {
            int before = known(tc);
            tc.expireTransactionalIds();
            awaitQuiet(tc);
            expirations += before - known(tc);
        }
    }

    private void count(Errors e) {
        if (e == Errors.PRODUCER_FENCED) fenced++;
    }

    private static int known(TransactionCoordinator tc) {
        int n = 0;
        for (String id : IDS) if (tc.describe(id) != null) n++;
        return n;
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(15, TimeUnit.SECONDS);
    }

    /** Every write applied and no transaction between its decision and its completion. */
    private static void awaitQuiet(TransactionCoordinator tc) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(2)).until(() -> tc.settled().isDone()
                && IDS.stream().map(tc::describe).noneMatch(m -> m != null && m.state().completing()));
    }
}

package io.ledgerline.broker.group;

import io.ledgerline.coordinator.InternalLog;
import io.ledgerline.log.Seeded;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordinator's invariant, checked against a log whose durability the test decides: after every step, what
 * the coordinator shows (committed offsets, pending transactional offsets, which groups exist) equals what a new
 * coordinator replaying the log's durable records gives, up to the first write whose fate the coordinator has not
 * learnt yet. The script log completes durability futures out of order (as a real log's do when a later append
 * finds its offset already durable, or callbacks race), fails appends (disk full: the records are not in the log)
 * and fails an fsync (every write not yet durable fails, and so does every later append). Seeded.
 */
class GroupStateIsTheReplayOfTheDurableLogTest {
    static final long RETENTION_MS = 1000;
    static final List<String> GROUPS = List.of("a", "b");
    static final List<TopicPartition> PARTITIONS = List.of(new TopicPartition("t", 0), new TopicPartition("t", 1));

    @RegisterExtension
    final Seeded seeded = new Seeded();

    final AtomicLong now = new AtomicLong(1_000_000);
    GroupCoordinator coordinator;

    /**
     * A log in memory. Each append is one write; a write in the log becomes durable when {@link #sync} reaches it,
     * but its future completes only when the test says ({@link #completeSome}), in any order.
     */
    static final class ScriptLog implements InternalLog<GroupRecord> {
        /** One append: its records, its durability future, whether it is in the log, and its outcome once decided. */
        static final class Write {
            final List<GroupRecord> records;
            final CompletableFuture<Void> durable;
            final boolean inLog;
            Boolean succeeds; // null while undecided

            Write(List<GroupRecord> records, CompletableFuture<Void> durable, boolean inLog) {
                this.records = records;
                this.durable = durable;
                this.inLog = inLog;
            }
        }

        final List<Write> writes = new ArrayList<>(); // guarded by this
        int durableWrites; // writes[0, durableWrites) are decided: durable if in the log, else failed
        boolean offline;
        boolean failNextAppend;

        @Override
        public synchronized CompletableFuture<Void> append(List<GroupRecord> records) {
            if (offline || failNextAppend) {
                failNextAppend = false;
                Write w = new Write(List.copyOf(records), CompletableFuture.failedFuture(new KafkaStorageException("injected")), false);
                w.succeeds = false;
                writes.add(w);
                return w.durable;
            }
            Write w = new Write(List.copyOf(records), new CompletableFuture<>(), true);
            writes.add(w);
            return w.durable;
        }

        @Override
        public synchronized void replay(Consumer<GroupRecord> apply) {
            assert writes.isEmpty() : "the coordinator under test starts on an empty log";
        }

        /** The next {@code n} writes (in the log or not) become durable, as one fsync would make them. */
        synchronized void sync(int n) {
            while (n-- > 0 && durableWrites < writes.size()) {
                Write w = writes.get(durableWrites++);
                if (w.succeeds == null) w.succeeds = !offline;
            }
        }

        /** An fsync fails: every write not yet durable fails, and so will every later append. */
        synchronized void failFsync() {
            offline = true;
            for (int i = durableWrites; i < writes.size(); i++) if (writes.get(i).succeeds == null) writes.get(i).succeeds = false;
        }

        /** Completes the futures of a random subset of the decided writes, in random order. */
        void completeSome(Random random) {
            List<Write> decided = new ArrayList<>();
            synchronized (this) {
                for (Write w : writes) if (w.succeeds != null && !w.durable.isDone() && random.nextInt(3) > 0) decided.add(w);
            }
            Collections.shuffle(decided, random);
            for (Write w : decided) { // outside the lock: completing runs the coordinator's callbacks
                if (w.succeeds) w.durable.complete(null);
                else w.durable.completeExceptionally(new KafkaStorageException("injected fsync failure"));
            }
        }

        /** The records the coordinator may have applied: the durable ones of the writes before the first it cannot know. */
        synchronized List<GroupRecord> knowable() {
            List<GroupRecord> out = new ArrayList<>();
            for (Write w : writes) {
                if (!w.durable.isDone()) break;
                if (w.inLog && Boolean.TRUE.equals(w.succeeds)) out.addAll(w.records);
            }
            return out;
        }

        /** Whether a transactional offset is in a write from the first the coordinator cannot know on. */
        synchronized boolean txnOffsetUnknowable() {
            boolean unknowable = false;
            for (Write w : writes) {
                unknowable |= !w.durable.isDone();
                if (unknowable && w.records.stream().anyMatch(r -> r instanceof GroupRecord.TxnOffset)) return true;
            }
            return false;
        }

        synchronized void failNextAppend() {
            failNextAppend = true;
        }

        void completeAll() {
            sync(Integer.MAX_VALUE);
            List<Write> all;
            synchronized (this) {
                all = List.copyOf(writes);
            }
            for (Write w : all) {
                if (Boolean.TRUE.equals(w.succeeds)) w.durable.complete(null);
                else w.durable.completeExceptionally(new KafkaStorageException("injected fsync failure"));
            }
        }
    }

    /** A log holding {@code records}, all durable, for a coordinator to replay. */
    static InternalLog<GroupRecord> durable(List<GroupRecord> records) {
        return new InternalLog<>() {
            @Override
            public CompletableFuture<Void> append(List<GroupRecord> rs) {
                throw new UnsupportedOperationException("read only");
            }

            @Override
            public void replay(Consumer<GroupRecord> apply) {
                records.forEach(apply);
            }
        };
    }

    GroupCoordinator.Settings settings() {
        return new GroupCoordinator.Settings(0, 1000, 60_000, RETENTION_MS, 100);
    }

    private ScriptLog startOnAScriptLog() {
        ScriptLog log = new ScriptLog();
        coordinator = new GroupCoordinator(log, settings(), now::get, GroupCoordinator.randomMemberIdSuffixes());
        return log;
    }

    /** An admin commit (no member, generation -1) of {@code offset} for {@code tp}. */
    private CompletableFuture<GroupCoordinator.PartitionErrors> commit(String group, TopicPartition tp, long offset) {
        return coordinator.commit(group, -1, "", null, Map.of(tp, new CommittedOffset(offset, -1, "", 0)));
    }

    @AfterEach
    void close() {
        if (coordinator != null) coordinator.close();
    }

    @Test
    void visibleStateIsAlwaysTheReplayOfTheDurablePrefixOfTheLog() throws Exception {
        Random random = seeded.random();
        for (int run = 0; run < 20; run++) {
            ScriptLog log = startOnAScriptLog();
            long offset = 0;
            int steps = 200 + random.nextInt(200);
            int fsyncFailsAt = random.nextInt(3) == 0 ? random.nextInt(steps) : -1;
            for (int step = 0; step < steps; step++) {
                String g = GROUPS.get(random.nextInt(GROUPS.size()));
                TopicPartition tp = PARTITIONS.get(random.nextInt(PARTITIONS.size()));
                long pid = 1 + random.nextInt(2);
                int op = random.nextInt(100);
                if (op < 30) {
                    commit(g, tp, ++offset);
                } else if (op < 38) {
                    coordinator.deleteOffsets(g, List.of(tp));
                } else if (op < 44) {
                    coordinator.delete(g);
                } else if (op < 54) {
                    coordinator.txnCommit(g, pid, -1, null, null, Map.of(tp, new CommittedOffset(++offset, -1, "", 0)));
                } else if (op < 60) {
                    coordinator.completeTxn(pid, GROUPS, random.nextBoolean());
                } else if (op < 66) {
                    now.addAndGet(random.nextInt(600));
                    coordinator.tick();
                } else if (op < 70) {
                    log.failNextAppend();
                } else if (op < 85) {
                    log.sync(1 + random.nextInt(3));
                } else {
                    log.completeSome(random);
                }
                if (step == fsyncFailsAt) log.failFsync();
                assertVisibleIsReplayOf(log, "run " + run + " step " + step);
            }
            log.completeAll();
            assertVisibleIsReplayOf(log, "run " + run + " at the end");
            assertThat(coordinator.settled()).isDone();
            coordinator.close();
        }
    }

    private void assertVisibleIsReplayOf(ScriptLog log, String where) throws Exception {
        coordinator.idle().get(5, TimeUnit.SECONDS); // every durability callback so far has been handled
        List<GroupRecord> knowable = log.knowable();
        boolean comparePending = !log.txnOffsetUnknowable();
        try (GroupCoordinator replayed = new GroupCoordinator(durable(knowable), settings(), now::get, GroupCoordinator.randomMemberIdSuffixes())) {
            for (String g : GROUPS) {
                assertThat(coordinator.committed(g, null)).as(where + ": committed offsets of " + g)
                        .isEqualTo(replayed.committed(g, null));
                assertThat(coordinator.describe(g) != null).as(where + ": group " + g + " exists")
                        .isEqualTo(replayed.describe(g) != null);
                if (!comparePending) continue; // an undecided transactional offset counts as pending (a retry, no value)
                for (TopicPartition tp : PARTITIONS) {
                    assertThat(coordinator.hasPendingTxnOffset(g, tp)).as(where + ": pending " + g + " " + tp)
                            .isEqualTo(replayed.hasPendingTxnOffset(g, tp));
                }
            }
            if (comparePending) {
                assertThat(coordinator.digest()).as(where + ": the digest of the replayed state").isEqualTo(replayed.digest());
            }
        }
    }

    private static JoinGroupRequestData join(String group) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[] {1}));
        return new JoinGroupRequestData().setGroupId(group).setMemberId("").setProtocolType("consumer")
                .setSessionTimeoutMs(5000).setRebalanceTimeoutMs(5000).setProtocols(protocols);
    }

    @Test
    void aGroupBeingDeletedRefusesJoinsAndAnotherDeletionUntilTheOutcomeIsKnown() throws Exception {
        ScriptLog log = startOnAScriptLog();
        TopicPartition tp = PARTITIONS.get(0);
        CompletableFuture<GroupCoordinator.PartitionErrors> commit = commit("a", tp, 5);
        log.completeAll();
        assertThat(commit.get(5, TimeUnit.SECONDS).partitions()).containsEntry(tp, Errors.NONE);

        // A deletion whose fsync fails: the group stays, and takes members again once the failure is known.
        CompletableFuture<Errors> delete = coordinator.delete("a");
        assertThat(coordinator.join(join("a"), (short) 9, "c", "/127.0.0.1").get().errorCode())
                .as("a member joining now would be removed by the deletion").isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE.code());
        assertThat(coordinator.delete("a").get()).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(coordinator.committed("a", null)).containsKey(tp);
        log.failFsync();
        log.completeAll();
        assertThat(delete.get(5, TimeUnit.SECONDS)).as("a storage error, as Kafka answers it").isEqualTo(Errors.NOT_COORDINATOR);
        assertThat(coordinator.describe("a")).isNotNull();
        assertThat(coordinator.committed("a", null)).containsKey(tp);
        assertThat(coordinator.join(join("a"), (short) 9, "c", "/127.0.0.1").get().errorCode())
                .as("MEMBER_ID_REQUIRED: the join goes ahead").isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
    }

    @Test
    void expiryLeavesAPartitionWithACommitInFlightAlone() throws Exception {
        ScriptLog log = startOnAScriptLog();
        TopicPartition old = PARTITIONS.get(0);
        TopicPartition other = PARTITIONS.get(1);
        coordinator.commit("a", -1, "", null, Map.of(old, new CommittedOffset(5, -1, "", 0), other, new CommittedOffset(6, -1, "", 0)));
        log.completeAll();
        coordinator.settled().get(5, TimeUnit.SECONDS);
        now.addAndGet(RETENTION_MS);
        // Both have expired; a fresh commit of one is on its way. Its tombstone would follow it in the log and delete it.
        CompletableFuture<GroupCoordinator.PartitionErrors> fresh = commit("a", old, 9);
        coordinator.tick();
        log.completeAll();
        fresh.get(5, TimeUnit.SECONDS);
        coordinator.settled().get(5, TimeUnit.SECONDS);
        assertThat(coordinator.committed("a", null)).containsOnlyKeys(old);
        assertThat(coordinator.committed("a", null).get(old).offset()).isEqualTo(9);
    }

    @Test
    void aTransactionEndingWhileItsOffsetsAreInFlightCommitsThem() throws Exception {
        ScriptLog log = startOnAScriptLog();
        TopicPartition tp = PARTITIONS.get(0);
        coordinator.txnCommit("a", 7, -1, null, null, Map.of(tp, new CommittedOffset(5, -1, "", 0)));
        // As when the transaction times out while TxnOffsetCommit waits for its fsync: the end follows it in the log.
        CompletableFuture<Void> end = coordinator.completeTxn(7, List.of("a"), true);
        log.completeAll();
        end.get(5, TimeUnit.SECONDS);
        assertThat(coordinator.committed("a", null).get(tp).offset()).isEqualTo(5);
        assertThat(coordinator.hasPendingTxnOffset("a", tp)).as("nothing left pending for a later transaction to commit").isFalse();
    }

    @Test
    void twoCommitsOfOnePartitionAreAppliedInLogOrderWhateverOrderTheirDurabilityIsLearntIn() throws Exception {
        ScriptLog log = startOnAScriptLog();
        TopicPartition tp = PARTITIONS.get(0);
        CompletableFuture<GroupCoordinator.PartitionErrors> first = commit("a", tp, 1);
        CompletableFuture<GroupCoordinator.PartitionErrors> second = commit("a", tp, 2);
        log.sync(2);
        log.writes.get(1).durable.complete(null); // the later one learns first
        coordinator.idle().get(5, TimeUnit.SECONDS);
        assertThat(coordinator.committed("a", null)).as("the second waits for the first").isEmpty();
        assertThat(second).isNotDone();
        log.writes.get(0).durable.complete(null);
        coordinator.idle().get(5, TimeUnit.SECONDS);
        assertThat(first.get(5, TimeUnit.SECONDS).partitions()).containsEntry(tp, Errors.NONE);
        assertThat(second.get(5, TimeUnit.SECONDS).partitions()).containsEntry(tp, Errors.NONE);
        assertThat(coordinator.committed("a", Set.of(tp)).get(tp).offset()).isEqualTo(2);
    }
}

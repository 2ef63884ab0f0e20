package io.ledgerline.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {
    private static final int WINDOW = OffsetTracker.windowOffsetsFor(4096);

    @Test
    void commitsTheLowestIncompleteOffsetAndListsTheDoneOnesAboveIt() {
        OffsetTracker t = OffsetTracker.load(10, "", WINDOW);
        for (long o = 10; o <= 15; o++) assertThat(t.polled(o)).isTrue();
        t.complete(10);
        t.complete(12);
        t.complete(13);
        assertThat(t.commitOffset()).isEqualTo(11);
        assertThat(CompletedOffsets.decode(11, t.commitMetadata())).containsExactly(12L, 13L);
        t.complete(11);
        assertThat(t.commitOffset()).isEqualTo(14);
        assertThat(t.commitMetadata()).isEmpty();
    }

    @Test
    void aRestartSkipsTheOffsetsTheMetadataListsAndKeepsThemUntilPassed() {
        OffsetTracker first = OffsetTracker.load(-1, null, WINDOW);
        for (long o = 0; o < 6; o++) first.polled(o);
        first.complete(2);
        first.complete(4);
        long committed = first.commitIfAny().getAsLong();
        String metadata = first.commitMetadata();
        assertThat(committed).isZero();

        OffsetTracker second = OffsetTracker.load(committed, metadata, WINDOW);
        assertThat(second.completedAboveCount()).isEqualTo(2);
        List<Long> toProcess = new ArrayList<>();
        for (long o = 0; o < 6; o++) if (second.polled(o)) toProcess.add(o);
        assertThat(toProcess).containsExactly(0L, 1L, 3L, 5L);
        second.complete(0);
        // 2 is still listed: a crash now must not process it again
        assertThat(second.commitOffset()).isEqualTo(1);
        assertThat(CompletedOffsets.decode(1, second.commitMetadata())).containsExactly(2L, 4L);
        second.complete(1);
        second.complete(3);
        second.complete(5);
        assertThat(second.commitOffset()).isEqualTo(6);
        assertThat(second.commitMetadata()).isEmpty();
    }

    @Test
    void nothingToCommitBeforeTheFirstRecordOfAPartitionWithoutCommit() {
        OffsetTracker t = OffsetTracker.load(-1, null, WINDOW);
        assertThat(t.commitIfAny()).isEmpty();
        assertThat(OffsetTracker.load(7, null, WINDOW).commitIfAny()).hasValue(7);
    }

    @Test
    void gapsInTheOffsetsCommitPastThem() {
        // transaction markers and compaction leave offsets without records
        OffsetTracker t = OffsetTracker.load(0, "", WINDOW);
        t.polled(0);
        t.polled(5);
        t.polled(9);
        t.complete(9);
        assertThat(t.commitOffset()).isZero();
        t.complete(0);
        assertThat(t.commitOffset()).isEqualTo(5);
        assertThat(CompletedOffsets.decode(5, t.commitMetadata())).containsExactly(9L);
        t.complete(5);
        assertThat(t.commitOffset()).isEqualTo(10);
    }

    @Test
    void admissionStopsAtTheWindowSoTheMetadataFitsItsLimit() {
        int window = OffsetTracker.windowOffsetsFor(64);
        OffsetTracker t = OffsetTracker.load(0, "", window);
        assertThat(t.admissionLimit()).isEqualTo(window);
        for (long o = 0; o < window; o++) t.polled(o);
        for (long o = 1; o < window; o++) t.complete(o);
        // everything but offset 0 is done: the metadata lists window - 1 offsets and still fits 64 characters
        assertThat(t.commitOffset()).isZero();
        assertThat(t.commitMetadata().length()).isLessThanOrEqualTo(64);
        assertThat(CompletedOffsets.decode(0, t.commitMetadata())).hasSize(window - 1);
        assertThat(t.admissionLimit()).isEqualTo(window);
        t.complete(0);
        assertThat(t.admissionLimit()).isEqualTo(2L * window);
    }

    @Test
    void metadataOfAnotherProgramIsIgnored() {
        assertThat(CompletedOffsets.decode(5, "written by someone else")).isEmpty();
        assertThat(CompletedOffsets.decode(5, CompletedOffsets.PREFIX + "%%%")).isEmpty();
        OffsetTracker t = OffsetTracker.load(5, "written by someone else", WINDOW);
        assertThat(t.polled(5)).isTrue();
        assertThat(t.polled(6)).isTrue();
    }

    /**
     * Random completion orders, commits at random moments and crashes (a restart from the last commit): the
     * offsets a restart skips are always ones that were done, so no offset is ever skipped without being done.
     */
    @Test
    void randomCompletionsAndCrashesNeverSkipAnOffsetThatWasNotDone() {
        long seed = TestSeeds.seed("OffsetTrackerTest.randomCompletionsAndCrashes");
        Random random = new Random(seed);
        int metadataMax = 32 + random.nextInt(200);
        int window = OffsetTracker.windowOffsetsFor(metadataMax);
        int total = 2_000;
        Set<Long> done = new TreeSet<>();
        long committed = -1;
        String metadata = null;
        int runs = 0;
        while (done.size() < total) {
            assertThat(runs++).as("no progress (seed %d)", seed).isLessThan(10_000);
            OffsetTracker t = OffsetTracker.load(committed, metadata, window);
            List<Long> admitted = new ArrayList<>();
            long next = Math.max(committed, 0);
            int steps = 1 + random.nextInt(400);
            for (int step = 0; step < steps; step++) {
                while (next < total && next < t.admissionLimit() && admitted.size() < 50) {
                    if (t.polled(next)) {
                        admitted.add(next);
                    } else {
                        assertThat(done).as("skipped offset %d was done (seed %d)", next, seed).contains(next);
                    }
                    next++;
                }
                if (admitted.isEmpty()) break;
                long o = admitted.remove(random.nextInt(admitted.size()));
                t.complete(o);
                done.add(o);
                if (random.nextInt(10) == 0) {
                    // a commit: everything below it is done, and so is everything it lists
                    committed = t.commitIfAny().getAsLong();
                    metadata = t.commitMetadata();
                    assertThat(metadata.length()).isLessThanOrEqualTo(metadataMax);
                    for (long below = 0; below < committed; below++) {
                        assertThat(done).as("below the commit %d (seed %d)", committed, seed).contains(below);
                    }
                    assertThat(done).containsAll(CompletedOffsets.decode(committed, metadata));
                }
            }
            // crash: the next run starts from the last commit
        }
        assertThat(runs).isGreaterThan(1);
    }
}

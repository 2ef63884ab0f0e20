package io.ledgerline.bench.compare;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The table's columns and ratios, with and without the baseline build (the before/after of a change). */
class ResultsTableTest {
    private static final List<Figure> FIGURES = List.of(Figure.higher("tput", "throughput (MiB/s)", 1.0));

    private static Results results() {
        Results r = new Results();
        for (double v : new double[] {90, 100, 110}) r.add("tput", Target.LEDGERLINE, v);
        for (double v : new double[] {50, 50}) r.add("tput", Target.KAFKA, v);
        for (double v : new double[] {80, 75, 85}) r.add("tput", Target.BASELINE, v);
        return r;
    }

    @Test
    void withoutTheBaselineTheTableHasItsUsualColumns() {
        String table = results().table(FIGURES, EnumSet.of(Target.LEDGERLINE, Target.KAFKA));
        assertThat(table.lines().toList()).containsExactly(
                "| figure | Ledgerline (fsync before ack (default)) | Kafka 4.4 (default: no fsync) | ratio Ledgerline/Kafka | goal |",
                "|---|---|---|---|---|",
                "| throughput (MiB/s) | 100 (90.0–110) | 50.0 (50.0–50.0) | 2.00 | ≥ 1.0× met |");
    }

    @Test
    void theBaselineAddsItsColumnAndTheRatioOfThisBuildToIt() {
        String table = results().table(FIGURES, EnumSet.of(Target.LEDGERLINE, Target.KAFKA, Target.BASELINE));
        assertThat(table.lines().toList()).containsExactly(
                "| figure | Ledgerline (fsync before ack (default)) | Kafka 4.4 (default: no fsync) | ratio Ledgerline/Kafka | goal |"
                        + " Ledgerline baseline (an earlier build, fsync before ack) | ratio Ledgerline/baseline |",
                "|---|---|---|---|---|---|---|",
                "| throughput (MiB/s) | 100 (90.0–110) | 50.0 (50.0–50.0) | 2.00 | ≥ 1.0× met | 80.0 (75.0–85.0) | 1.25 |");
    }
}

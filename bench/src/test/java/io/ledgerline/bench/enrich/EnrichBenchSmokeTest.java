package io.ledgerline.bench.enrich;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The harness works (tiny run: 10 ms model, 300 records); the figures come from the command in docs/benchmarks.md. */
class EnrichBenchSmokeTest {
    @Test
    void bothLoopsProcessEveryRecordAndReportAFigure() throws Exception {
        EnrichBench.Medians m = EnrichBench.run(new String[] {"10", "0.02", "50", "300", "5", "1"});
        assertThat(m.naiveLoop()).isPositive();
        assertThat(m.processor()).isPositive();
    }
}

package io.ledgerline.client;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CompletedOffsetsTest {
    @Test
    void roundTrips() {
        List<Long> done = List.of(101L, 102L, 109L, 164L);
        String encoded = CompletedOffsets.encode(100, done);
        assertThat(encoded).startsWith(CompletedOffsets.PREFIX);
        assertThat(CompletedOffsets.decode(100, encoded)).containsExactlyElementsOf(done);
    }

    @Test
    void nothingDoneIsTheEmptyStringAPlainConsumerCommitsToo() {
        assertThat(CompletedOffsets.encode(7, List.of())).isEmpty();
        assertThat(CompletedOffsets.decode(7, "")).isEmpty();
        assertThat(CompletedOffsets.decode(7, null)).isEmpty();
    }

    @Test
    void aFullWindowFitsKafkasDefaultMetadataLimit() {
        int bits = CompletedOffsets.capacityBits(4096);
        List<Long> all = java.util.stream.LongStream.rangeClosed(1, bits).boxed().toList();
        String encoded = CompletedOffsets.encode(0, all);
        assertThat(encoded.length()).isLessThanOrEqualTo(4096);
        assertThat(CompletedOffsets.decode(0, encoded)).hasSize(bits);
        // about 24,000 offsets may be done above the lowest incomplete one
        assertThat(bits).isGreaterThan(24_000);
    }
}

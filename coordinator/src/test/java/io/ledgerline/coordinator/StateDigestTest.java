package io.ledgerline.coordinator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The canonical encoding behind every state machine's digest: equal sequences agree, different ones never do. */
class StateDigestTest {
    @Test
    void theSameValuesInTheSameOrderGiveTheSameDigest() {
        assertThat(new StateDigest().text("g").int64(7).bytes(new byte[] {1, 2}).hex())
                .isEqualTo(new StateDigest().text("g").int64(7).bytes(new byte[] {1, 2}).hex())
                .hasSize(64);
    }

    @Test
    void lengthPrefixesKeepNeighbouringValuesApart() {
        assertThat(new StateDigest().text("ab").text("c").hex()).isNotEqualTo(new StateDigest().text("a").text("bc").hex());
        assertThat(new StateDigest().text(null).hex()).isNotEqualTo(new StateDigest().text("").hex());
        assertThat(new StateDigest().bytes(null).hex()).isNotEqualTo(new StateDigest().bytes(new byte[0]).hex());
    }

    @Test
    void integersAreWrittenAtTheirWidthBigEndian() {
        assertThat(new StateDigest().int32(1).hex()).isEqualTo(new StateDigest().int16((short) 0).int16((short) 1).hex());
        assertThat(new StateDigest().int64(1).hex()).isNotEqualTo(new StateDigest().int32(1).hex());
        assertThat(new StateDigest().int8('G').hex()).isNotEqualTo(new StateDigest().int8('P').hex());
    }
}

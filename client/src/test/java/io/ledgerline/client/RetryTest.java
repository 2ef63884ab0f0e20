package io.ledgerline.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryTest {
    @Test
    void backoffDoublesUpToItsMaximumAndJitterOnlyShortensIt() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000), 0.5);
        assertThat(p.backoffNanos(1, 0)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(p.backoffNanos(2, 0)).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(p.backoffNanos(4, 0)).isEqualTo(Duration.ofMillis(800).toNanos());
        assertThat(p.backoffNanos(5, 0)).isEqualTo(Duration.ofMillis(1000).toNanos());
        assertThat(p.backoffNanos(70, 0)).isEqualTo(Duration.ofMillis(1000).toNanos());
        assertThat(p.backoffNanos(2, 0.999)).isBetween(Duration.ofMillis(100).toNanos(), Duration.ofMillis(101).toNanos());
    }

    @Test
    void badPoliciesAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), 0)).hasMessageContaining("backoffMax");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 1.5)).hasMessageContaining("jitter");
    }

    @Test
    void theBudgetAllowsItsCapacityThenItsRatioOfCalls() {
        RetryBudget b = new RetryBudget(0.25, 2);
        assertThat(b.tryWithdraw()).isTrue();
        assertThat(b.tryWithdraw()).isTrue();
        assertThat(b.tryWithdraw()).isFalse();
        for (int i = 0; i < 3; i++) b.deposit();
        assertThat(b.tryWithdraw()).isFalse();
        b.deposit();
        assertThat(b.tryWithdraw()).isTrue();
        for (int i = 0; i < 100; i++) b.deposit();
        assertThat(b.tokens()).isEqualTo(2.0);
    }

    @Test
    void theDefaultClassifierTreatsTerminalFailuresAndBadInputAsTerminal() {
        assertThat(FailureClassifier.DEFAULT.isRetriable(new java.util.concurrent.TimeoutException())).isTrue();
        assertThat(FailureClassifier.DEFAULT.isRetriable(new java.io.IOException("reset"))).isTrue();
        assertThat(FailureClassifier.DEFAULT.isRetriable(new TerminalFailure("refused"))).isFalse();
        assertThat(FailureClassifier.DEFAULT.isRetriable(new RuntimeException(new TerminalFailure("wrapped")))).isFalse();
        assertThat(FailureClassifier.DEFAULT.isRetriable(new IllegalArgumentException("bad"))).isFalse();
    }
}

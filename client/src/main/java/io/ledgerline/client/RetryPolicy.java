package io.ledgerline.client;

import java.time.Duration;

/**
 * Retries of one record: at most {@code maxAttempts} calls in all, the n-th retry after
 * {@code min(backoffMax, backoffInitial * 2^(n-1))}, shortened by a random part of up to {@code jitter} of it
 * (0 = none, 1 = "full jitter"), so that records failing together do not retry together.
 */
public record RetryPolicy(int maxAttempts, Duration backoffInitial, Duration backoffMax, double jitter) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(5), 0.5);
    /** One call, no retry. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 0);

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        if (backoffInitial.isNegative() || backoffMax.isNegative()) {
            throw new IllegalArgumentException("backoffInitial and backoffMax must not be negative");
        }
        if (backoffMax.compareTo(backoffInitial) < 0) {
            throw new IllegalArgumentException("backoffMax " + backoffMax + " is below backoffInitial " + backoffInitial);
        }
        if (!(jitter >= 0 && jitter <= 1)) throw new IllegalArgumentException("jitter must be within [0, 1], got " + jitter);
    }

    /** The pause before retry number {@code retry} (1 = the first retry), {@code random} uniform in [0, 1). */
    public long backoffNanos(int retry, double random) {
        assert retry >= 1 : "retry numbers start at 1";
        long initial = backoffInitial.toNanos();
        long max = backoffMax.toNanos();
        int shift = Math.min(retry - 1, 62);
        long base = initial > (max >> shift) ? max : Math.min(max, initial << shift);
        return base - (long) (base * jitter * random);
    }
}

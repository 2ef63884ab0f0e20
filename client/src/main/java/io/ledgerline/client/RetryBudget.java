package io.ledgerline.client;

/**
 * Caps retries as a share of calls, so an outage does not multiply the load on the model: every first attempt
 * deposits {@code ratio} tokens, every retry withdraws one, and the balance is capped at {@code capacity}
 * (which it starts at, so a quiet start may retry). With the budget spent a retriable failure is treated as
 * terminal. Thread-safe.
 */
public final class RetryBudget {
    /** Token amounts are kept in millionths, so that deposits of a fraction add up exactly. */
    private static final long SCALE = 1_000_000;
    private final long ratioScaled;
    private final long capacityScaled;
    private long balance;

    public RetryBudget(double ratio, int capacity) {
        if (!(ratio >= 0)) throw new IllegalArgumentException("retry budget ratio must be at least 0, got " + ratio);
        if (capacity < 0) throw new IllegalArgumentException("retry budget capacity must be at least 0, got " + capacity);
        this.ratioScaled = Math.round(ratio * SCALE);
        this.capacityScaled = capacity * SCALE;
        this.balance = capacityScaled;
    }

    /** A budget that never runs out. */
    public static RetryBudget unlimited() {
        return new RetryBudget(1, Integer.MAX_VALUE / 2);
    }

    synchronized void deposit() {
        balance = Math.min(capacityScaled, balance + ratioScaled);
    }

    /** Takes one retry from the budget; false when it is spent. */
    synchronized boolean tryWithdraw() {
        if (balance < SCALE) return false;
        balance -= SCALE;
        return true;
    }

    synchronized double tokens() {
        return (double) balance / SCALE;
    }
}

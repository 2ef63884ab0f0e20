package io.ledgerline.bench.compare;

/**
 * The systems of a run, each with the durability it promises stated in its name: the three of every run, and
 * {@link #BASELINE}, an earlier Ledgerline build given with {@code --baseline}, to measure a change before and after in
 * the same run.
 */
public enum Target {
    LEDGERLINE("Ledgerline", "fsync before ack (default)"),
    KAFKA("Kafka 4.4", "default: no fsync"),
    KAFKA_FSYNC("Kafka 4.4", "log.flush.interval.messages=1: fsync every message"),
    BASELINE("Ledgerline baseline", "an earlier build, fsync before ack");

    final String product;
    final String durability;

    Target(String product, String durability) {
        this.product = product;
        this.durability = durability;
    }

    boolean isKafka() {
        return this == KAFKA || this == KAFKA_FSYNC;
    }

    String header() {
        return product + " (" + durability + ")";
    }
}

package io.ledgerline.bench.compare;

/** The three systems of every run, each with the durability it promises stated in its name. */
public enum Target {
    LEDGERLINE("Ledgerline", "fsync before ack (default)"),
    KAFKA("Kafka 4.4", "default: no fsync"),
    KAFKA_FSYNC("Kafka 4.4", "log.flush.interval.messages=1: fsync every message");

    final String product;
    final String durability;

    Target(String product, String durability) {
        this.product = product;
        this.durability = durability;
    }

    boolean isKafka() {
        return this != LEDGERLINE;
    }

    String header() {
        return product + " (" + durability + ")";
    }
}

package io.ledgerline.client;

import java.util.concurrent.ThreadLocalRandom;

/** Seeds of randomized tests: printed, and taken from -Dledgerline.seed to replay a run. */
final class TestSeeds {
    static final String PROPERTY = "ledgerline.seed";

    private TestSeeds() {}

    static long seed(String test) {
        String given = System.getProperty(PROPERTY);
        long seed = given != null && !given.isBlank() ? Long.parseLong(given.trim()) : ThreadLocalRandom.current().nextLong();
        System.out.printf("[client] %s seed=%d (replay with -D%s=%d)%n", test, seed, PROPERTY, seed);
        return seed;
    }
}

package io.ledgerline.it.harness;

import java.util.concurrent.ThreadLocalRandom;

/** Seeds of randomized tests: printed on every run, and taken from a system property to replay a run. */
public final class Seeds {
    public static final String SEED_PROPERTY = "ledgerline.it.seed";

    private Seeds() {}

    /** The seed to use for {@code test}: -D{@value #SEED_PROPERTY}=N if given, else a fresh random one. */
    public static long seed(String test) {
        String given = System.getProperty(SEED_PROPERTY);
        long seed = given != null && !given.isBlank() ? Long.parseLong(given.trim()) : ThreadLocalRandom.current().nextLong();
        System.out.printf("[it] %s seed=%d (replay with -D%s=%d)%n", test, seed, SEED_PROPERTY, seed);
        return seed;
    }
}

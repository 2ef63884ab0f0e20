package io.ledgerline.log;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.util.Random;

/**
 * The seed of a randomized test: from {@code -Dledgerline.seed=N} when given (to replay a failure), else fresh.
 * Printed before each test and prefixed to any failure, so a red run names the command that replays it:
 * {@code mvn -o -q -B -pl log test -Dtest=Class#method -Dledgerline.seed=N} (in a later module, e.g. {@code -pl log,broker
 * ... -Dsurefire.failIfNoSpecifiedTests=false}). Public in the test-jar, so that every module's randomized tests
 * speak the same way ({@code @RegisterExtension final Seeded seeded = new Seeded();}).
 */
public final class Seeded implements BeforeEachCallback, TestExecutionExceptionHandler {
    public static final String PROPERTY = "ledgerline.seed";

    private long seed;

    public long seed() {
        return seed;
    }

    public Random random() {
        return new Random(seed);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Long fixed = Long.getLong(PROPERTY);
        seed = fixed != null ? fixed : new Random().nextLong();
        System.out.println(context.getDisplayName() + ": seed " + seed + " (rerun with -D" + PROPERTY + "=" + seed + ")");
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        String test = context.getRequiredTestClass().getSimpleName() + "#" + context.getRequiredTestMethod().getName();
        AssertionError e = new AssertionError("[seed " + seed + "; replay: -Dtest=" + test + " -D" + PROPERTY + "=" + seed
                + "] " + t, t);
        throw e;
    }
}

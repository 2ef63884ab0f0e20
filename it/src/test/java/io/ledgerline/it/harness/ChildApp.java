package io.ledgerline.it.harness;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A client application in a child JVM (started by {@link ChildJvm}), for tests that kill it with SIGKILL: no
 * commit, no abort, no LeaveGroup, no socket shutdown beyond what the kernel does. Subclasses give the main class
 * ({@link #launch}) and read its output lines ({@link #onLine}).
 */
public abstract class ChildApp implements AutoCloseable {
    private Process process;

    /** Starts the child; a subclass calls it last in its constructor, once the fields {@link #onLine} uses are set. */
    protected final void launch(String label, String mainClass, String... args) throws IOException {
        process = ChildJvm.start(mainClass, args);
        ChildJvm.pump(process, label, this::onLine);
    }

    /** Each line the child prints (stdout and stderr), on the pump thread. */
    protected void onLine(String line) {
    }

    public final boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, and waits until the process is gone. */
    public final void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(Clients.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("a child application survived SIGKILL for " + Clients.PATIENCE);
        }
    }

    @Override
    public final void close() throws InterruptedException {
        if (process.isAlive()) kill9();
    }
}

package io.ledgerline.bench.compare;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Entry point of every broker JVM the harness starts: {@code ChildMain <main class> <args...>}.
 *
 * <p>Why a wrapper: the harness must not leave brokers behind on any exit path. Its shutdown hook stops them on
 * a normal exit, Ctrl-C or an exception, but a SIGKILL of the harness runs no hook. The child's standard input
 * is a pipe from the harness, so when the harness dies, for whatever reason, the kernel closes the pipe and this
 * watchdog sees end-of-file and exits the child (halting if a shutdown hook hangs).
 */
public final class ChildMain {
    private ChildMain() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 1) throw new IllegalArgumentException("usage: ChildMain <main class> [args...]");
        Thread watchdog = new Thread(ChildMain::watchParent, "bench-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    private static void watchParent() {
        try {
            InputStream in = System.in;
            byte[] buf = new byte[64];
            while (in.read(buf) >= 0) {
                // the harness never writes; anything read is ignored
            }
        } catch (Exception e) {
            // a broken pipe means the same as end-of-file
        }
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            Runtime.getRuntime().halt(3);
        }, "bench-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(3);
    }
}

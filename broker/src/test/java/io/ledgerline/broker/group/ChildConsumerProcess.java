package io.ledgerline.broker.group;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Runs {@link ChildConsumer} in a child JVM with the test classpath; collects what it reports; SIGKILLs it. */
final class ChildConsumerProcess implements AutoCloseable {
    private final Process process;
    final List<String> processed = new CopyOnWriteArrayList<>();
    final Set<Integer> assignment = ConcurrentHashMap.newKeySet();

    ChildConsumerProcess(String bootstrap, String group, String topic, long delayMs) throws IOException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), ChildConsumer.class.getName(),
                bootstrap, group, topic, Long.toString(delayMs));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("PROCESSED ")) {
                        processed.add(line.substring("PROCESSED ".length()));
                    } else if (line.startsWith("ASSIGNED")) {
                        Set<Integer> now = ConcurrentHashMap.newKeySet();
                        for (String p : line.substring("ASSIGNED".length()).trim().split(",")) if (!p.isEmpty()) now.add(Integer.parseInt(p));
                        assignment.retainAll(now);
                        assignment.addAll(now);
                    } else if (line.contains("ERROR") || line.contains("Exception")) {
                        System.out.println("[child consumer] " + line);
                    }
                }
            } catch (IOException ignored) {
                // the child died: its output ends here
            }
        }, "child-consumer-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** SIGKILL: no LeaveGroup, no commit, no socket shutdown beyond what the kernel does. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill9();
    }
}

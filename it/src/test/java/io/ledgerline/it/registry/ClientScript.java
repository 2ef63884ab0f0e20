package io.ledgerline.it.registry;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a third-party registry client's script (Python, Node) as a child process. A script prints one line per
 * step, {@code step: result}; {@link #steps} reads them back for the test to check.
 */
final class ClientScript {
    private ClientScript() {
    }

    /** Copies the test resource {@code /registry/NAME} to {@code dir} and returns its path. */
    static Path copy(String name, Path dir) throws Exception {
        Path script = dir.resolve(name);
        try (InputStream in = ClientScript.class.getResourceAsStream("/registry/" + name)) {
            Files.write(script, in.readAllBytes());
        }
        return script;
    }

    /** Runs {@code command} in {@code dir}, asserts it exits 0 within 5 minutes, returns its output. */
    static String run(List<String> command, File dir) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        System.out.println("[it] " + String.join(" ", command) + ":\n" + out);
        assertThat(p.exitValue()).as("exit status of %s; output:\n%s", command, out).isZero();
        return out;
    }

    static Map<String, String> steps(String out) {
        Map<String, String> steps = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                steps.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return steps;
    }
}

package io.ledgerline.server.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The systemd unit in docs/operations.md is a valid unit: {@code systemd-analyze verify} accepts it without a
 * single complaint (it exits 0 even for lines it ignores, so its output must be empty too), and it has the settings
 * the doc explains. {@code /opt/ledgerline} is pointed at a copy of the real launcher, since verify checks that
 * ExecStart's program exists and is executable. Without systemd-analyze the test fails: .ci/run installs it.
 */
class SystemdUnitDocTest {
    static final Path ROOT = Path.of(System.getProperty("basedir", ".")).resolve("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    /** The fenced block of docs/operations.md tagged {@code lang} whose first line is {@code firstLine}. */
    static String block(String lang, String firstLine) throws Exception {
        List<String> lines = Files.readAllLines(ROOT.resolve("docs/operations.md"));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```" + lang) && i + 1 < lines.size() && lines.get(i + 1).strip().startsWith(firstLine)) {
                StringBuilder b = new StringBuilder();
                for (int k = i + 1; k < lines.size() && !lines.get(k).strip().equals("```"); k++) b.append(lines.get(k)).append('\n');
                return b.toString();
            }
        }
        return fail("docs/operations.md has no ```%s block starting with %s", lang, firstLine);
    }

    private static String systemdAnalyze() throws Exception {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "systemd-analyze");
            if (Files.isExecutable(p)) return p.toString();
        }
        return fail("systemd-analyze is not installed, so the unit in docs/operations.md cannot be verified: "
                + "apt-get install systemd (.ci/run does)");
    }

    @Test
    void theDocumentedUnitPassesSystemdAnalyzeVerify() throws Exception {
        String unit = block("ini", "[Unit]");
        assertThat(unit).contains("ExecStart=/opt/ledgerline/ledgerline start ");
        Path opt = Files.createDirectories(tmp.resolve("opt-ledgerline"));
        Files.copy(ROOT.resolve("ledgerline"), opt.resolve("ledgerline"));
        Files.setPosixFilePermissions(opt.resolve("ledgerline"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = Files.createDirectories(tmp.resolve("units")).resolve("ledgerline.service");
        Files.writeString(file, unit.replace("/opt/ledgerline", opt.toString()));

        List<String> output = verify(file);
        assertThat(output).as("systemd-analyze verify %s", file).isEmpty();
    }

    @Test
    void verifyWouldComplainAboutABrokenUnit() throws Exception {
        // The check above can fail: the same unit with a typo and a bad value is reported.
        String unit = block("ini", "[Unit]").replace("Type=exec", "Type=exce").replace("LimitNOFILE=100000", "LimitNOFILE=many");
        Path file = Files.createDirectories(tmp.resolve("broken")).resolve("ledgerline.service");
        Files.writeString(file, unit.replace("/opt/ledgerline", ROOT.toString()));
        assertThat(String.join("\n", verify(file))).contains("exce").contains("many");
    }

    @Test
    void theUnitHasTheSettingsTheDocExplains() throws Exception {
        List<String> keys = new ArrayList<>();
        for (String line : block("ini", "[Unit]").split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) keys.add(line.substring(0, eq) + (line.startsWith("Type=") ? line.substring(eq) : ""));
        }
        assertThat(keys).contains("Type=exec", "User", "Group", "StateDirectory", "WorkingDirectory", "ExecStart", "KillSignal",
                "TimeoutStopSec", "SuccessExitStatus", "Restart", "LimitNOFILE", "Environment");
        assertThat(block("ini", "[Unit]")).contains("KillSignal=SIGTERM", "Restart=on-failure", "StateDirectory=ledgerline",
                "--data-dir /var/lib/ledgerline/data", "SuccessExitStatus=143");
    }

    /** systemd-analyze verify's output (stdout and stderr), and its exit code as a last line when not 0. */
    private static List<String> verify(Path unit) throws Exception {
        Process p = new ProcessBuilder(systemdAnalyze(), "verify", "--man=no", unit.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new ArrayList<>(out.lines().toList());
        if (p.exitValue() != 0) lines.add("exit " + p.exitValue());
        return lines;
    }
}

package io.ledgerline.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real {@code ./ledgerline} launcher ({@link Launcher}): JVM options from {@code JAVA_OPTS} then
 * {@code LEDGERLINE_OPTS} reach the JVM, and the broker's log, as it leaves the process, has ISO-8601 timestamps with
 * the zone, in text or ({@code LEDGERLINE_LOG_FORMAT=json}) one JSON object per line.
 */
class LauncherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A zone with a half-hour offset and no daylight saving: its offset in a timestamp cannot be a coincidence. */
    private static final String TZ = "Asia/Kolkata";
    private static final ZoneOffset TZ_OFFSET = ZoneOffset.ofHoursMinutes(5, 30);

    @TempDir
    Path tmp;

    private Launcher launcher;

    @BeforeEach
    void install() throws Exception {
        launcher = Launcher.installIn(Files.createDirectories(tmp.resolve("install")));
    }

    private String[] startArgs() {
        return new String[] {"start", "--data-dir", tmp.resolve("data").toString(), "--listen", "127.0.0.1:0",
                "--registry-listen", "127.0.0.1:0"};
    }

    @Test
    void javaOptsThenLedgerlineOptsReachTheJvmWordSplitAndUnglobbed() throws Exception {
        Files.createFile(launcher.root().resolve("a-file-a-glob-would-match"));
        Launcher.Run r = launcher.run(Map.of(
                        "JAVA_OPTS", "-XshowSettings:properties -Dledgerline.launcher.a=java  -Dledgerline.launcher.b=java",
                        "LEDGERLINE_OPTS", "-Dledgerline.launcher.b=ledgerline\t-Dledgerline.launcher.glob=*"),
                "--version");
        assertThat(r.process.exitValue()).as("%s", r).isZero();
        assertThat(r.out).containsExactly("ledgerline dev");
        // -XshowSettings:properties lists the JVM's system properties on stderr; for -D given twice the last one wins.
        assertThat(r.err).as("%s", r)
                .contains("    ledgerline.launcher.a = java", "    ledgerline.launcher.b = ledgerline", "    ledgerline.launcher.glob = *");
    }

    @Test
    void aLogbackFileInLedgerlineOptsReplacesTheBuiltInOne() throws Exception {
        Path mine = Files.writeString(tmp.resolve("my-logback.xml"), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>MINE %level %msg%n</pattern></encoder>
                  </appender>
                  <!-- as the built-in file: the registry's kafka-clients print their configs at INFO -->
                  <logger name="org.apache.kafka" level="WARN"/>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        Launcher.Run r = launcher.start(Map.of("JAVA_OPTS", "-Xmx96m -Dlogback.configurationFile=/no/such/file.xml",
                "LEDGERLINE_OPTS", "-Xmx128m -XX:+UseSerialGC -Dlogback.configurationFile=" + mine), startArgs());
        r.awaitOut("Ledgerline started");
        assertThat(r.terminate()).as("SIGTERM exit status, %s", r).isEqualTo(143);
        assertThat(r.out).as("%s", r).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("MINE "))
                .contains("MINE INFO Ledgerline stopped cleanly");
    }

    @Test
    void textLogLinesStartWithAnIsoTimestampWithTheZone() throws Exception {
        Launcher.Run r = launcher.start(Map.of("TZ", TZ), startArgs());
        r.awaitOut("Ledgerline started");
        assertThat(r.terminate()).isEqualTo(143);
        assertThat(r.out).as("%s", r).hasSizeGreaterThanOrEqualTo(3).allSatisfy(line -> {
            String[] parts = line.split(" ", 2);
            OffsetDateTime t = OffsetDateTime.parse(parts[0]);
            assertThat(t.getOffset()).isEqualTo(TZ_OFFSET);
            assertThat(parts[0]).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\+05:30");
            assertThat(parts[1]).matches("(INFO |WARN |ERROR|DEBUG) \\S+ - .*");
        });
        assertThat(r.out).anySatisfy(line -> assertThat(line).endsWith("INFO  Broker - Ledgerline stopped cleanly"));
    }

    @Test
    void jsonLogFormatIsOneObjectPerLineWithTheZoneInTheTimestamp() throws Exception {
        Launcher.Run r = launcher.start(Map.of("TZ", TZ, "LEDGERLINE_LOG_FORMAT", "json"), startArgs());
        r.awaitOut("Ledgerline started");
        assertThat(r.terminate()).isEqualTo(143);
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.out) events.add(JSON.readTree(line)); // every line, or readTree throws
        assertThat(events).as("%s", r).hasSizeGreaterThanOrEqualTo(3).allSatisfy(e -> {
            assertThat(e.isObject()).isTrue();
            List<String> fields = new ArrayList<>();
            e.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("timestamp", "level", "logger", "thread", "message");
            OffsetDateTime t = OffsetDateTime.parse(e.get("timestamp").asText());
            assertThat(t.getOffset()).isEqualTo(TZ_OFFSET);
            assertThat(e.get("level").asText()).isIn("INFO", "WARN", "ERROR");
            assertThat(e.get("logger").asText()).startsWith("io.ledgerline.");
            assertThat(e.get("thread").asText()).isNotBlank();
        });
        JsonNode started = events.stream().filter(e -> e.get("message").asText().startsWith("Ledgerline started")).findFirst().orElseThrow();
        assertThat(started.get("logger").asText()).isEqualTo(StartCommand.class.getName());
        assertThat(started.get("thread").asText()).isEqualTo("main");
        assertThat(events).anySatisfy(e -> {
            assertThat(e.get("message").asText()).isEqualTo("Ledgerline stopped cleanly");
            assertThat(e.get("thread").asText()).isEqualTo("ledgerline-shutdown");
        });
    }

    @Test
    void anUnknownLogFormatIsRefusedBeforeAnythingRuns() throws Exception {
        Launcher.Run r = launcher.run(Map.of("LEDGERLINE_LOG_FORMAT", "yaml"), startArgs());
        assertThat(r.process.exitValue()).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err).containsExactly("ledgerline: invalid LEDGERLINE_LOG_FORMAT 'yaml': expected text or json (unset means text)");
        assertThat(tmp.resolve("data")).doesNotExist();
    }
}

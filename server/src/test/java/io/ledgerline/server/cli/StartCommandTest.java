package io.ledgerline.server.cli;

import io.ledgerline.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing and precedence of {@code ledgerline start}; no broker is started. */
class StartCommandTest {

    @TempDir
    Path tmp;

    private static StartCommand parse(String... args) {
        List<String> all = new ArrayList<>(List.of("start"));
        all.addAll(List.of(args));
        CommandLine cl = LedgerlineCli.commandLine();
        cl.parseArgs(all.toArray(String[]::new));
        return cl.getSubcommands().get("start").getCommand();
    }

    private Path file(String text) throws IOException {
        return Files.writeString(tmp.resolve("ledgerline.properties"), text);
    }

    @Test
    void noOptionsGiveTheDefaults() {
        assertThat(parse().brokerConfig().asMap()).isEqualTo(BrokerConfig.defaults().asMap());
    }

    @Test
    void precedenceIsDefaultsThenFileThenSetThenDedicatedOptions() throws IOException {
        Path f = file("""
                # comment
                data.dir=/from/file
                listen=file-host:1
                flush.mode=interval
                num.partitions=3
                """);
        BrokerConfig c = parse("--config", f.toString(),
                "--set", "listen=set-host:2", "--set", "num.partitions=5", "--set", "num.partitions=6",
                "--data-dir", "/from/option").brokerConfig();

        assertThat(c.string(BrokerConfig.DATA_DIR)).isEqualTo("/from/option");   // option > file
        assertThat(c.string(BrokerConfig.LISTEN)).isEqualTo("set-host:2");       // --set > file
        assertThat(c.string(BrokerConfig.NUM_PARTITIONS)).isEqualTo("6");        // last --set wins
        assertThat(c.string(BrokerConfig.FLUSH_MODE)).isEqualTo("interval");     // file > default
        assertThat(c.string(BrokerConfig.NODE_ID)).isEqualTo(BrokerConfig.NODE_ID.defaultValue());
    }

    @Test
    void listenOptionBeatsSet() {
        BrokerConfig c = parse("--set", "listen=set-host:2", "--listen", "0.0.0.0:19092").brokerConfig();
        assertThat(c.string(BrokerConfig.LISTEN)).isEqualTo("0.0.0.0:19092");
    }

    @Test
    void advertisedListenerOptionBeatsSetAndIsCheckedAsHostPort() {
        BrokerConfig c = parse("--set", "advertised.listener=set-host:2", "--advertised-listener", "broker1.example.com:9092").brokerConfig();
        assertThat(c.string(BrokerConfig.ADVERTISED_LISTENER)).isEqualTo("broker1.example.com:9092");
        assertThatThrownBy(() -> parse("--advertised-listener", "broker1.example.com").brokerConfig())
                .isInstanceOf(ParameterException.class)
                .hasMessage("invalid configuration: advertised.listener must be host:port, got 'broker1.example.com'");
    }

    @Test
    void configFileIsNotOverriddenByTheImplicitDataDir() throws IOException {
        BrokerConfig c = parse("--config", file("data.dir=/from/file\n").toString()).brokerConfig();
        assertThat(c.string(BrokerConfig.DATA_DIR)).isEqualTo("/from/file");
    }

    @Test
    void setValueMayContainEquals() {
        BrokerConfig c = parse("--set", "advertised.listener=a=b:1").brokerConfig();
        assertThat(c.string(BrokerConfig.ADVERTISED_LISTENER)).isEqualTo("a=b:1");
    }

    @Test
    void unknownKeyInSetIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> parse("--set", "flush.mdoe=fsync").brokerConfig())
                .isInstanceOf(ParameterException.class)
                .hasMessage("unknown setting 'flush.mdoe' in --set (run 'ledgerline config' to list every setting)");
    }

    @Test
    void unknownKeyInConfigFileIsRejectedNamingTheFile() throws IOException {
        Path f = file("retention.ms=1000\n");
        assertThatThrownBy(() -> parse("--config", f.toString()).brokerConfig())
                .isInstanceOf(ParameterException.class)
                .hasMessage("unknown setting 'retention.ms' in config file " + f
                        + " (run 'ledgerline config' to list every setting)");
    }

    @Test
    void missingConfigFileIsRejected() {
        Path f = tmp.resolve("absent.properties");
        assertThatThrownBy(() -> parse("--config", f.toString()).brokerConfig())
                .isInstanceOf(ParameterException.class)
                .hasMessage("config file not found: " + f);
    }

    @Test
    void directoryAsConfigFileIsRejected() {
        assertThatThrownBy(() -> parse("--config", tmp.toString()).brokerConfig())
                .isInstanceOf(ParameterException.class)
                .hasMessage("config file is not a regular file: " + tmp);
    }

    @Test
    void badValueIsRejectedWithBrokerConfigsReason() {
        assertThatThrownBy(() -> parse("--set", "flush.mode=sometimes").brokerConfig())
                .isInstanceOf(ParameterException.class)
                .hasMessage("invalid configuration: flush.mode must be 'fsync' or 'interval', got 'sometimes'");
        assertThatThrownBy(() -> parse("--listen", "9092").brokerConfig())
                .isInstanceOf(ParameterException.class)
                .hasMessage("invalid configuration: listen must be host:port, got '9092'");
    }

    @Test
    void setWithoutEqualsIsRejected() {
        assertThatThrownBy(() -> parse("--set", "flush.mode").brokerConfig())
                .isInstanceOf(ParameterException.class)
                .hasMessage("--set expects KEY=VALUE, got 'flush.mode'");
    }

    @Test
    void usageErrorsExitWithTwoAndOneLineOnStderr() throws IOException {
        assertThat(run("start", "--set", "nope=1")).isEqualTo(new Run(2, "",
                "ledgerline: unknown setting 'nope' in --set (run 'ledgerline config' to list every setting)\n"
                        + "Run 'ledgerline start --help' for usage.\n"));
        Path missing = tmp.resolve("absent.properties");
        assertThat(run("start", "--config", missing.toString()).exitCode()).isEqualTo(2);
        assertThat(run("start", "--no-such-option").exitCode()).isEqualTo(2);
        assertThat(run("start", "--set", "flush.mode=sometimes").exitCode()).isEqualTo(2);
        assertThat(run().exitCode()).isEqualTo(2);
    }

    @Test
    void helpNamesTheDefaultsOfTheDedicatedOptions() {
        Run help = run("start", "--help");
        assertThat(help.exitCode()).isZero();
        // Picocli wraps at 80 columns: compare with whitespace collapsed.
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--data-dir", "--listen", "--advertised-listener", "--config", "--set",
                "Default: " + BrokerConfig.DATA_DIR.defaultValue(),
                "Default: " + BrokerConfig.LISTEN.defaultValue());
    }

    @Test
    void versionIsPrinted() {
        Run v = run("--version");
        assertThat(v.exitCode()).isZero();
        assertThat(v.out()).startsWith("ledgerline ");
    }

    @Test
    void configCommandPrintsEverySettingAsAPropertiesFileThatStartAccepts() throws IOException {
        Run config = run("config");
        assertThat(config.exitCode()).isZero();
        for (BrokerConfig.Setting s : BrokerConfig.settings().values()) {
            assertThat(config.out()).contains("# " + s.doc() + "\n" + s.key() + "=" + s.defaultValue() + "\n");
        }
        Path f = file(config.out());
        assertThat(parse("--config", f.toString()).brokerConfig().asMap()).isEqualTo(BrokerConfig.defaults().asMap());
    }

    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = LedgerlineCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString().replace(System.lineSeparator(), "\n"),
                err.toString().replace(System.lineSeparator(), "\n"));
    }
}

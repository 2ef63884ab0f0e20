package io.ledgerline.server.cli;

import io.ledgerline.server.cli.tools.ConsumeCommand;
import io.ledgerline.server.cli.tools.ProduceCommand;
import io.ledgerline.server.cli.tools.StatusCommand;
import io.ledgerline.server.cli.tools.TopicsCommand;
import io.ledgerline.server.log.LogFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The {@code ledgerline} command line: {@code start} runs a broker, {@code config} lists every setting;
 * {@code status} says whether a broker is up and what it holds; {@code topics}, {@code produce} and {@code consume}
 * are small clients for trying a broker (package {@code tools}); {@code registry} runs the schema registry alone.
 *
 * <p>Exit codes: 0 success, 1 a failure while running (for example the port is taken), 2 a usage or
 * configuration error (unknown option or setting, missing config file, bad value). Errors are one line
 * on stderr, never a stack trace.
 */
@Command(name = "ledgerline",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerlineCli.Version.class,
        description = "Ledgerline: an event-streaming broker that speaks the Apache Kafka protocol.",
        subcommands = {StartCommand.class, ConfigCommand.class, StatusCommand.class, TopicsCommand.class, ProduceCommand.class,
                ConsumeCommand.class, RegistryCommand.class})
public final class LedgerlineCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // Before anything logs: logback.xml picks its appender by this variable, and an unknown one would log nothing.
        String badLogFormat = LogFormat.problem(System.getenv(LogFormat.ENV));
        if (badLogFormat != null) {
            System.err.println("ledgerline: " + badLogFormat);
            System.exit(2);
        }
        // `start` blocks until the JVM shuts down, so exit() is reached only by the other commands and errors.
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: tests use it with {@code setOut}/{@code setErr} to capture output. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new LedgerlineCli());
        cl.setParameterExceptionHandler(LedgerlineCli::usageError);
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            // An I/O failure (port taken, data dir unwritable) is the operator's to fix: one line.
            // Anything else is a bug: keep the stack trace for the report.
            cmd.getErr().println("ledgerline: " + (e instanceof IOException ? e.getMessage() : e));
            if (!(e instanceof IOException)) e.printStackTrace(cmd.getErr());
            return cmd.getCommandSpec().exitCodeOnExecutionException();
        });
        return cl;
    }

    /** One line naming the problem and a pointer to --help, instead of picocli's full usage dump. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("ledgerline: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** No subcommand given: a usage error that lists the subcommands. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    /** The version from the jar manifest; "dev" when run from classes (tests, IDE). */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LedgerlineCli.class.getPackage().getImplementationVersion();
            return new String[] {"ledgerline " + (v == null ? "dev" : v)};
        }
    }
}

package io.ledgerline.server.cli.tools;

import io.ledgerline.server.cli.LedgerlineCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code ledgerline topics list|create|describe|delete}: topic administration through the Admin API. */
@Command(name = "topics",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerlineCli.Version.class,
        description = "List, create, describe and delete topics (through the Kafka Admin API).",
        subcommands = {TopicsListCommand.class, TopicsCreateCommand.class, TopicsDescribeCommand.class, TopicsDeleteCommand.class})
public final class TopicsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** No subcommand given: a usage error that lists the subcommands. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }
}

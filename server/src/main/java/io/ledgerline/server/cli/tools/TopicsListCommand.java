package io.ledgerline.server.cli.tools;

import io.ledgerline.server.cli.LedgerlineCli;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.TreeSet;

/** {@code ledgerline topics list}: topic names, one a line, sorted (so the output pipes into other commands). */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerlineCli.Version.class,
        description = "Print the name of every topic, one a line, sorted.")
public final class TopicsListCommand extends ClientCommand {

    @Option(names = "--internal", description = "Include the broker's internal topics (Kafka's __consumer_offsets, ...).")
    boolean internal;

    @Override
    protected int run() throws Exception {
        Admin admin = connect();
        try {
            for (String name : new TreeSet<>(await(admin.listTopics(new ListTopicsOptions().listInternal(internal)).names(),
                    "list topics"))) {
                out().println(name);
            }
            out().flush();
            return 0;
        } finally {
            close(admin);
        }
    }
}

package io.ledgerline.server.cli.tools;

import io.ledgerline.server.cli.LedgerlineCli;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.ExecutionException;

/** {@code ledgerline topics delete TOPIC...}: deletes each topic and its records; an unknown one is an error. */
@Command(name = "delete",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerlineCli.Version.class,
        description = "Delete topics and every record in them.")
public final class TopicsDeleteCommand extends ClientCommand {

    @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "Topics to delete.")
    List<String> topics;

    @Override
    protected int run() throws Exception {
        Admin admin = connect();
        try {
            var result = admin.deleteTopics(topics).topicNameValues();
            ToolException first = null;
            for (String t : topics) {
                try {
                    result.get(t).get();
                    out().println("deleted topic " + t);
                } catch (ExecutionException e) {
                    ToolException f = e.getCause() instanceof UnknownTopicOrPartitionException
                            ? unknownTopic(t) : failure(e.getCause(), "delete topic '" + t + "'");
                    if (first == null) first = f;
                    else err().println("ledgerline: " + f.getMessage());
                }
            }
            out().flush();
            if (first != null) throw first;
            return 0;
        } finally {
            close(admin);
        }
    }
}

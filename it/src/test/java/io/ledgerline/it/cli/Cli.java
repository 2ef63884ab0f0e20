package io.ledgerline.it.cli;

import io.ledgerline.server.cli.LedgerlineCli;
import io.ledgerline.server.cli.tools.ProduceCommand;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs the {@code ledgerline} command line in-process, as the launcher would, with a given stdin. */
final class Cli {
    private Cli() {}

    record Result(int exitCode, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    static Result run(String stdin, String... args) {
        CommandLine cl = LedgerlineCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ((ProduceCommand) cl.getSubcommands().get("produce").getCommand())
                .setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** {@code args} then {@code --bootstrap bootstrap}. */
    static Result against(String bootstrap, String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap");
        all.add(bootstrap);
        return run(stdin, all.toArray(String[]::new));
    }
}

package io.ledgerline.server.cli;

import io.ledgerline.broker.config.BrokerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/**
 * {@code ledgerline config}: every setting with its default and doc, in properties-file form, so
 * {@code ledgerline config > ledgerline.properties} is a complete file to edit and pass to
 * {@code start --config}.
 */
@Command(name = "config",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerlineCli.Version.class,
        description = "Print every broker setting with its default and meaning, as a properties file.")
public final class ConfigCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("# Ledgerline broker settings and their defaults (docs/configuration.md).");
        out.println("# Use with: ledgerline start --config FILE");
        for (BrokerConfig.Setting s : BrokerConfig.settings().values()) {
            out.println();
            out.println("# " + s.doc());
            out.println(s.key() + "=" + s.defaultValue());
        }
        out.flush();
    }
}

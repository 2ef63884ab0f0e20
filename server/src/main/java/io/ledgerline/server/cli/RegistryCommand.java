package io.ledgerline.server.cli;

import io.ledgerline.registry.Registry;
import io.ledgerline.registry.RegistryServer;
import io.ledgerline.registry.store.KafkaRecordLog;
import io.ledgerline.registry.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ledgerline registry}: the Confluent-compatible schema registry alone, over the {@code _schemas} topic of
 * any Kafka cluster (Ledgerline or Apache Kafka: it uses only the Kafka client APIs), until SIGTERM or SIGINT.
 * See docs/registry.md.
 */
@Command(name = "registry",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerlineCli.Version.class,
        description = {"Run the Confluent-compatible schema registry over the _schemas topic of a Kafka cluster,",
                "until SIGTERM or SIGINT (Ctrl-C). See docs/registry.md."})
public final class RegistryCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RegistryCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
            description = "Kafka cluster holding the registry's topic. Default: ${DEFAULT-VALUE}.")
    String bootstrap;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = RegistryServer.DEFAULT_LISTEN,
            description = "HTTP listener of the REST API. Default: ${DEFAULT-VALUE}. Port 0 picks a free port.")
    String listen;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = KafkaRecordLog.DEFAULT_TOPIC,
            description = "The registry's topic (one partition, compacted, created if absent). Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = io.ledgerline.server.cli.tools.DurationConverter.class,
            description = "How long a request waits for the topic (write and read back). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
        int colon = listen.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            port = -1;
        }
        if (colon <= 0 || port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--listen must be HOST:PORT with a port 0..65535, not '"
                    + listen + "'");
        }
        Registry registry;
        try {
            registry = Registry.start(new KafkaRecordLog(bootstrap, topic, timeout));
        } catch (StoreException e) {
            throw new IOException("the registry cannot read its topic " + topic + " at " + bootstrap + ": "
                    + e.getMessage(), e);
        }
        RegistryServer server;
        try {
            server = RegistryServer.start(registry, listen.substring(0, colon), port);
        } catch (Exception e) {
            registry.close();
            throw new IOException(e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping the schema registry");
            server.close();
            registry.close();
        }, "ledgerline-registry-shutdown"));
        log.info("Schema registry listening on http://{}:{} (topic {} at {})", listen.substring(0, colon), server.port(),
                topic, bootstrap);
        new CountDownLatch(1).await();
        return 0;
    }
}

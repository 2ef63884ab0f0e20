package io.ledgerline.server.cli;

import io.ledgerline.broker.config.BrokerConfig;
import io.ledgerline.broker.config.StartupException;
import io.ledgerline.log.DataDirLock;
import io.ledgerline.server.LedgerlineServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ledgerline start}: builds a {@link BrokerConfig} from the options, starts the broker and runs
 * until SIGTERM or SIGINT, which close it cleanly through a shutdown hook.
 *
 * <p>Precedence, lowest first: BrokerConfig defaults &lt; {@code --config} file &lt; {@code --set} &lt;
 * {@code --data-dir} / {@code --listen} / {@code --advertised-listener} / {@code --registry-listen}. The dedicated options dedicated options carry no picocli default (null means
 * "not given"), so a config file's {@code data.dir} is not overridden by an implicit {@code ./data}.
 */
@Command(name = "start",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerlineCli.Version.class,
        description = {"Start a single-node broker and run until SIGTERM or SIGINT (Ctrl-C).",
                "Settings, lowest precedence first: defaults, --config FILE, --set, --data-dir/--listen/--advertised-listener/--registry-listen.",
                "Also runs the schema registry (registry.listen, default 127.0.0.1:8081; registry.enabled=false: off).",
                "Run 'ledgerline config' to list every setting with its default."})
public final class StartCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(StartCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (setting data.dir). Default: ./data, relative to the current directory.")
    String dataDir;

    @Option(names = "--listen", paramLabel = "HOST:PORT",
            description = "Kafka listener address (setting listen). Default: 127.0.0.1:9092. Port 0 picks a free port.")
    String listen;

    @Option(names = "--advertised-listener", paramLabel = "HOST:PORT",
            description = "Address clients are told to connect to (setting advertised.listener). Default: the listen "
                    + "address; required when --listen is a wildcard (0.0.0.0 or ::).")
    String advertisedListener;

    @Option(names = "--registry-listen", paramLabel = "HOST:PORT",
            description = "Schema registry HTTP listener (setting registry.listen). Default: 127.0.0.1:8081. Port 0 "
                    + "picks a free port. --set registry.enabled=false runs the broker without the registry.")
    String registryListen;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Java properties file of settings (key=value, # comments).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one setting; repeatable, the last one for a key wins.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        BrokerConfig config = brokerConfig();
        LedgerlineServer server;
        try {
            server = LedgerlineServer.start(config);
        } catch (IllegalArgumentException e) {
            // A value BrokerConfig.of let through but the broker could not use (e.g. a non-number).
            throw usageError("invalid configuration: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        } catch (StartupException | DataDirLock.HeldException e) {
            throw e; // names its cause and its fix already
        } catch (IOException e) {
            // Anything else while starting: name both, whichever it was.
            throw new IOException("failed to start (listen=" + config.string(BrokerConfig.LISTEN)
                    + ", data.dir=" + config.string(BrokerConfig.DATA_DIR) + "): " + e, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server), "ledgerline-shutdown"));
        BrokerConfig.HostPort listener = config.hostPort(BrokerConfig.LISTEN);
        String registry = server.registryPort().isPresent()
                ? "http://" + config.hostPort(BrokerConfig.REGISTRY_LISTEN).host() + ":" + server.registryPort().getAsInt()
                : "off (registry.enabled=false)";
        log.info("Ledgerline started: Kafka listener {}:{} (clients connect to {}), schema registry {}, data dir {}, flush.mode={}",
                listener.host(), server.port(), server.bootstrapServers(), registry,
                config.dataDir().toAbsolutePath().normalize(), config.string(BrokerConfig.FLUSH_MODE));
        // The shutdown hook does the closing; this thread only keeps the JVM alive until the JVM halts.
        new CountDownLatch(1).await();
        return 0;
    }

    private static void stop(LedgerlineServer server) {
        log.info("stopping");
        try {
            server.close(); // the broker logs whether it stopped cleanly
        } catch (RuntimeException e) {
            log.error("shutdown failed; the next start recovers the data dir", e);
        }
    }

    /**
     * The effective configuration of the parsed options. Every problem is a {@link ParameterException}
     * (exit code 2) whose message names the setting and where it came from.
     */
    BrokerConfig brokerConfig() {
        Map<String, String> settings = new LinkedHashMap<>();
        if (configFile != null) putAll(settings, readConfigFile(configFile), "config file " + configFile);
        putAll(settings, parseOverrides(), "--set");
        if (dataDir != null) settings.put(BrokerConfig.DATA_DIR.key(), dataDir);
        if (listen != null) settings.put(BrokerConfig.LISTEN.key(), listen);
        if (advertisedListener != null) settings.put(BrokerConfig.ADVERTISED_LISTENER.key(), advertisedListener);
        if (registryListen != null) settings.put(BrokerConfig.REGISTRY_LISTEN.key(), registryListen);
        try {
            return BrokerConfig.of(settings);
        } catch (IllegalArgumentException e) {
            throw usageError("invalid configuration: " + e.getMessage());
        }
    }

    private void putAll(Map<String, String> settings, Map<String, String> from, String source) {
        for (Map.Entry<String, String> e : from.entrySet()) {
            if (!BrokerConfig.settings().containsKey(e.getKey())) {
                throw usageError("unknown setting '" + e.getKey() + "' in " + source
                        + " (run 'ledgerline config' to list every setting)");
            }
            settings.put(e.getKey(), e.getValue());
        }
    }

    private Map<String, String> parseOverrides() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw usageError("--set expects KEY=VALUE, got '" + kv + "'");
            m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
        }
        return m;
    }

    private Map<String, String> readConfigFile(Path file) {
        if (!Files.exists(file)) throw usageError("config file not found: " + file);
        if (!Files.isRegularFile(file)) throw usageError("config file is not a regular file: " + file);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            // IllegalArgumentException: a malformed \\uXXXX escape.
            throw usageError("cannot read config file " + file + ": " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) m.put(key, p.getProperty(key));
        return m;
    }

    private ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}

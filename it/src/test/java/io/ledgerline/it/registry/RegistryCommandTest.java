package io.ledgerline.it.registry;

import io.ledgerline.it.harness.ChildJvm;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBrokerTest;
import io.ledgerline.registry.RestClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ledgerline.registry.RestClient.schemaBody;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ledgerline registry} as a user runs it (LedgerlineCli's main in its own JVM): it serves the REST API
 * over the given cluster's topic, stops on SIGTERM, and refuses bad options and an unreachable cluster with
 * one line and the CLI's exit codes (2 usage, 1 failure).
 */
class RegistryCommandTest extends SharedBrokerTest {
    static final String CLI = "io.ledgerline.server.cli.LedgerlineCli";
    static final Pattern LISTENING = Pattern.compile("Schema registry listening on (http://127\\.0\\.0\\.1:\\d+)");
    static final String V1 = "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";

    @Test
    void servesTheApiOverTheClusterAndStopsOnSigterm() throws Exception {
        String topic = Clients.uniqueTopic("_schemas-cli");
        Process child = ChildJvm.start(CLI, "registry", "--bootstrap", broker.bootstrapServers(), "--listen",
                "127.0.0.1:0", "--topic", topic);
        CompletableFuture<String> url = new CompletableFuture<>();
        ChildJvm.pump(child, "registry", line -> {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                url.complete(m.group(1));
            }
        });
        try {
            RestClient rest = new RestClient(url.get(60, TimeUnit.SECONDS));
            RestClient.Answer registered = rest.post("/subjects/cli-value/versions", schemaBody(V1));
            assertThat(registered.status()).as(registered.body()).isEqualTo(200);
            assertThat(registered.json().get("id").asInt()).isEqualTo(1);
            assertThat(rest.get("/subjects").body()).isEqualTo("[\"cli-value\"]");
        } finally {
            child.destroy();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
        }
        assertThat(Clients.offset(admin, new org.apache.kafka.common.TopicPartition(topic, 0),
                org.apache.kafka.clients.admin.OffsetSpec.latest())).as("the registration is in the topic").isEqualTo(1);
    }

    @Test
    void aBadListenAddressIsAUsageError() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Duration.ofSeconds(60), line -> false, CLI, "registry", "--listen", "nowhere");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.stderr()).contains("--listen must be HOST:PORT");
    }

    @Test
    void anUnreachableClusterFailsWithOneLine() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Duration.ofSeconds(60), line -> false, CLI, "registry",
                "--bootstrap", "127.0.0.1:1", "--listen", "127.0.0.1:0", "--timeout", "2s");
        assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
        List<String> ours = r.stderr().lines().filter(l -> l.startsWith("ledgerline:")).toList();
        assertThat(ours).singleElement().asString().contains("cannot read its topic _schemas at 127.0.0.1:1");
    }
}

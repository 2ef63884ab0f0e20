package io.ledgerline.server;

import io.ledgerline.broker.config.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The schema registry in the broker's process ({@code registry.enabled}, {@code registry.listen}). */
class RegistryInServerTest {
    private static final String AVRO = "{\"type\":\"record\",\"name\":\"Payment\",\"fields\":[{\"name\":\"amount\",\"type\":\"long\"}]}";

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.header("Content-Type", "application/vnd.schemaregistry.v1+json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    void registeredSchemaIsServedAgainAfterARestartOnTheSameDataDir() throws Exception {
        Map<String, String> settings = Map.of("data.dir", tmp.resolve("data").toString(), "listen", "127.0.0.1:0",
                "registry.listen", "127.0.0.1:0");
        String body = "{\"schema\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(AVRO) + "}";
        String registered;
        try (LedgerlineServer server = LedgerlineServer.start(settings)) {
            int port = server.registryPort().orElseThrow();
            assertThat(port).isPositive();
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri(port, "/subjects/payments-value/versions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).matches("\\{\"id\":\\d+}");
            registered = r.body();
        }
        try (LedgerlineServer server = LedgerlineServer.start(settings)) {
            int port = server.registryPort().orElseThrow();
            HttpResponse<String> latest = send(HttpRequest.newBuilder(uri(port, "/subjects/payments-value/versions/latest")).GET());
            assertThat(latest.statusCode()).as(latest.body()).isEqualTo(200);
            String id = registered.replaceAll("\\D", "");
            assertThat(latest.body()).contains("\"id\":" + id, "\"version\":1", "\"subject\":\"payments-value\"");
            HttpResponse<String> byId = send(HttpRequest.newBuilder(uri(port, "/schemas/ids/" + id)).GET());
            assertThat(byId.statusCode()).isEqualTo(200);
            assertThat(byId.body()).contains("Payment");
            // The same schema again: the same id, no new version.
            HttpResponse<String> again = send(HttpRequest.newBuilder(uri(port, "/subjects/payments-value/versions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
            assertThat(again.body()).isEqualTo(registered);
            assertThat(send(HttpRequest.newBuilder(uri(port, "/subjects/payments-value/versions")).GET()).body()).isEqualTo("[1]");
        }
    }

    @Test
    void registryPortInUseRefusesTheStartBeforeAnythingIsCreated() throws Exception {
        Path data = tmp.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> LedgerlineServer.start(Map.of("data.dir", data.toString(), "listen", "127.0.0.1:0",
                    "registry.listen", "127.0.0.1:" + taken.getLocalPort())).close())
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("schema registry address 127.0.0.1:" + taken.getLocalPort()
                            + " (registry.listen) already in use")
                    .hasMessageContaining("Fix: ")
                    .hasMessageContaining("--registry-listen");
        }
        assertThat(Files.exists(data)).as("data dir created by a refused start").isFalse();
    }

    @Test
    void registryDisabledListensOnNothing() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (LedgerlineServer server = LedgerlineServer.start(Map.of("data.dir", tmp.resolve("data").toString(),
                "listen", "127.0.0.1:0", "registry.enabled", "false", "registry.listen", "127.0.0.1:" + port))) {
            assertThat(server.registryPort()).isEmpty();
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(java.net.ConnectException.class);
        }
    }
}

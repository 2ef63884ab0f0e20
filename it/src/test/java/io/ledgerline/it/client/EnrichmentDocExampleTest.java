package io.ledgerline.it.client;

import com.sun.net.httpserver.HttpServer;
import io.ledgerline.client.AsyncProcessor;
import io.ledgerline.client.Ordering;
import io.ledgerline.client.RetryPolicy;
import io.ledgerline.client.TerminalFailure;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.Clients;
import io.ledgerline.it.harness.SharedBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import static io.ledgerline.it.client.Processors.bytes;
import static io.ledgerline.it.client.Processors.header;
import static io.ledgerline.it.client.Processors.string;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example of docs/enrichment.md, run: an HTTP model (a JDK HttpServer standing in for it) called with the
 * JDK's asynchronous HttpClient; a 4xx answer is terminal and lands in the fallback. The test also checks that
 * the page shows this code as it is here (between the doc markers).
 */
@ExtendWith(SharedBroker.class)
class EnrichmentDocExampleTest {
    /** The model's client: POSTs the order, the body of a 200 is the enriched order. */
    static final class Model {
        private final HttpClient http = HttpClient.newHttpClient();
        private final URI url;

        Model(URI url) {
            this.url = url;
        }

        // doc:begin model
        CompletableFuture<String> enrich(String order) {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(order)).build();
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
                if (response.statusCode() / 100 == 4) {
                    // retrying cannot help: straight to the dead-letter topic / fallback
                    throw new TerminalFailure("model answered " + response.statusCode() + ": " + response.body());
                }
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("model answered " + response.statusCode()); // retried
                }
                return response.body();
            });
        }
        // doc:end model
    }

    static AsyncProcessor<String, String, String> start(String bootstrap, Model model) {
        // doc:begin processor
        AsyncProcessor<String, String, String> processor = AsyncProcessor
                .builder(new StringDeserializer(), new StringDeserializer(), new StringSerializer())
                .bootstrapServers(bootstrap)
                .groupId("order-enricher")
                .inputTopics(List.of("orders"))
                .outputTopic("orders-enriched")
                .deadLetterTopic("orders-dlq")   // raw input + __connect.errors.* headers
                .fallback(true)                  // and the input, marked, on the output topic
                .ordering(Ordering.KEY)          // one order id at a time, ids concurrently
                .maxInFlight(256)
                .callTimeout(Duration.ofSeconds(10))
                .retryPolicy(new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5), 0.5))
                .function(record -> model.enrich(record.value()))
                .build()
                .start();
        // doc:end processor
        return processor;
    }

    @Test
    void theDocumentedProcessorEnrichesOrdersAndFallsBackOnRefusals(BrokerTarget broker) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/enrich", exchange -> {
            String order = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean refuse = order.contains("\"refuse\"");
            byte[] body = (refuse ? "no" : order.replace("}", ",\"score\":42}")).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(refuse ? 422 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        // the example's fixed names: this test owns them on the shared broker
        try (Admin admin = Clients.admin(broker)) {
            for (String topic : List.of("orders", "orders-enriched", "orders-dlq")) Clients.createTopic(admin, topic, 1, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(broker)) {
                for (int i = 0; i < 10; i++) {
                    String order = i == 3 ? "{\"id\":3,\"refuse\":\"refuse\"}" : "{\"id\":" + i + "}";
                    producer.send(new ProducerRecord<>("orders", bytes("order-" + i), bytes(order)));
                }
                producer.flush();
            }
            Model model = new Model(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/enrich"));
            try (AsyncProcessor<String, String, String> processor = start(broker.bootstrapServers(), model)) {
                List<ConsumerRecord<byte[], byte[]>> outputs = Processors.awaitRecords(broker, "orders-enriched", 1, 10);
                List<ConsumerRecord<byte[], byte[]>> dead = Processors.awaitRecords(broker, "orders-dlq", 1, 1);
                assertThat(outputs).filteredOn(r -> header(r, "ledgerline.fallback") == null)
                        .extracting(r -> string(r.value())).hasSize(9).allMatch(v -> v.endsWith(",\"score\":42}"));
                assertThat(outputs).filteredOn(r -> header(r, "ledgerline.fallback") != null)
                        .extracting(r -> string(r.value())).containsExactly("{\"id\":3,\"refuse\":\"refuse\"}");
                assertThat(header(dead.get(0), "__connect.errors.exception.message")).isEqualTo("model answered 422: no");
                assertThat(processor.failure()).isEmpty();
            }
        } finally {
            server.stop(0);
        }

        String page = Files.readString(Path.of(System.getProperty("basedir", ".")).resolve("../docs/enrichment.md"));
        String source = Files.readString(Path.of(System.getProperty("basedir", "."))
                .resolve("src/test/java/io/ledgerline/it/client/EnrichmentDocExampleTest.java"));
        for (String part : List.of("model", "processor")) {
            assertThat(page).as("docs/enrichment.md shows the %s code of this test", part).contains(snippet(source, part));
        }
    }

    /** The lines between "// doc:begin NAME" and "// doc:end NAME", with their common indentation removed. */
    private static String snippet(String source, String name) {
        String begin = "// doc:begin " + name + "\n";
        int from = source.indexOf(begin) + begin.length();
        int to = source.lastIndexOf("\n", source.indexOf("// doc:end " + name));
        // without the last line break: stripIndent counts an empty last line as indentation 0
        return source.substring(from, to).stripIndent() + "\n";
    }
}

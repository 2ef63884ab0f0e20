package io.ledgerline.server.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link JsonLogEncoder} on events a broker can log: awkward characters in messages, and exceptions. */
class JsonLogEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String encode(LoggingEvent event) {
        JsonLogEncoder encoder = new JsonLogEncoder();
        encoder.setContext(new LoggerContext());
        encoder.start();
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    private static LoggingEvent event(String message, Throwable thrown, Object... args) {
        LoggerContext ctx = new LoggerContext();
        LoggingEvent e = new LoggingEvent("x", ctx.getLogger("io.ledgerline.broker.Broker"), Level.WARN, message, thrown, args);
        e.setThreadName("ledgerline-admin");
        e.setInstant(Instant.parse("2026-12-03T10:15:30.123Z"));
        return e;
    }

    @Test
    void oneLineOfEscapedJsonWithTheFormattedMessage() throws Exception {
        String line = encode(event("topic {} said \"{}\"\nand\ttabbed \u0001 é", null, "orders", "no"));
        assertThat(line).endsWith("}\n");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode e = JSON.readTree(line);
        assertThat(e.get("message").asText()).isEqualTo("topic orders said \"no\"\nand\ttabbed \u0001 é");
        assertThat(e.get("level").asText()).isEqualTo("WARN");
        assertThat(e.get("logger").asText()).isEqualTo("io.ledgerline.broker.Broker");
        assertThat(e.get("thread").asText()).isEqualTo("ledgerline-admin");
        assertThat(OffsetDateTime.parse(e.get("timestamp").asText()).toInstant()).isEqualTo(Instant.parse("2026-12-03T10:15:30.123Z"));
        assertThat(e.has("exception")).isFalse();
    }

    @Test
    void anExceptionIsItsStackTraceAsJavaPrintsIt() throws Exception {
        IllegalStateException thrown = new IllegalStateException("bad \"state\"\nsecond line", new java.io.IOException("disk"));
        JsonNode e = JSON.readTree(encode(event("shutdown failed", thrown)));
        String trace = e.get("exception").asText();
        assertThat(trace).startsWith("java.lang.IllegalStateException: bad \"state\"\nsecond line\n\tat ")
                .contains("Caused by: java.io.IOException: disk")
                .contains(JsonLogEncoderTest.class.getName());
    }
}

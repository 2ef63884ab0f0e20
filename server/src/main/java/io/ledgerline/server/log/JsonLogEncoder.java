package io.ledgerline.server.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The JSON log format ({@code LEDGERLINE_LOG_FORMAT=json}): one JSON object per line,
 * <pre>
 * {"timestamp":"2026-12-03T14:05:09.123+01:00","level":"INFO","logger":"io.ledgerline.broker.Broker",
 *  "thread":"main","message":"Ledgerline listening on ...","exception":"java.io.IOException: ...\n\tat ..."}
 * </pre>
 * {@code timestamp} is ISO-8601 with the JVM's zone as an offset ({@code Z} for UTC), the same instant and form as
 * the text format's; {@code exception} (the stack trace as Java prints it) only when the event carries one.
 * Jackson writes the strings, so quotes, newlines and control characters in messages are escaped.
 *
 * <p>Logback's own {@code JsonEncoder} writes the time as epoch milliseconds only, with no zone, and its field names
 * (formattedMessage, loggerName, a structured throwable) are its own; this one is the few fields operators grep for.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
    /** ISO-8601 with milliseconds and the zone's offset; shared with the text pattern in logback.xml. */
    public static final String TIMESTAMP_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] NEWLINE = {'\n'};

    private final DateTimeFormatter timestamps = DateTimeFormatter.ofPattern(TIMESTAMP_PATTERN).withZone(ZoneId.systemDefault());

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", timestamps.format(event.getInstant()));
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            g.writeStringField("message", event.getFormattedMessage());
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        out.writeBytes(NEWLINE);
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}

package io.ledgerline.it.harness;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the Java client's own fetch-session bookkeeping ({@code org.apache.kafka.clients.FetchSessionHandler}) says,
 * captured from its debug log while open: which consumer got an incremental session, which got a full answer
 * without one, which was told FETCH_SESSION_ID_NOT_FOUND. It is the client's view, so a test reads it the same way
 * against Ledgerline and against Apache Kafka. Lines carry the client's prefix ({@code [Consumer clientId=ID, ...]}).
 */
public final class FetchSessionLog implements AutoCloseable {
    private static final String LOGGER = "org.apache.kafka.clients.FetchSessionHandler";
    /** The handler's debug line for a full response that created a session (kafka-clients 4.4). */
    public static final String CREATED = "created a new incremental fetch session";
    /** Its debug line for a full response without a session (the session id is then 0). */
    public static final String FULL_WITHOUT_SESSION = "sent a full fetch response";
    /** Its debug line for an incremental response. */
    public static final String INCREMENTAL = "sent an incremental fetch response";

    private final Logger logger;
    private final Level level;
    private final AppenderBase<ILoggingEvent> appender;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private FetchSessionLog(Logger logger) {
        this.logger = logger;
        this.level = logger.getLevel();
        this.appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                lines.add(e.getFormattedMessage());
            }
        };
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    /** Starts capturing (fails if the test JVM's SLF4J binding is not logback: then nothing could be seen). */
    public static FetchSessionLog capture() {
        if (!(LoggerFactory.getLogger(LOGGER) instanceof Logger l)) {
            throw new IllegalStateException("SLF4J is bound to " + LoggerFactory.getILoggerFactory().getClass().getName()
                    + ", not logback: the client's fetch-session lines cannot be captured");
        }
        return new FetchSessionLog(l);
    }

    /** The captured lines of consumer {@code clientId}, in order. */
    public List<String> of(String clientId) {
        String prefix = "clientId=" + clientId + ",";
        return lines.stream().filter(l -> l.contains(prefix)).toList();
    }

    /** How many lines of {@code clientId} contain {@code text}. */
    public long count(String clientId, String text) {
        return of(clientId).stream().filter(l -> l.contains(text)).count();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(level);
    }
}

package io.ledgerline.server.log;

/**
 * The log format, chosen by the environment variable {@value #ENV}: {@code text} (the default, also when it is
 * empty) or {@code json} ({@link JsonLogEncoder}). logback.xml reads the variable itself (it names the appender);
 * this class only refuses other values before logging starts, since logback would otherwise log nothing at all.
 */
public final class LogFormat {
    public static final String ENV = "LEDGERLINE_LOG_FORMAT";

    private LogFormat() {}

    /** Why {@code value} (of {@value #ENV}; null when unset) is not a log format, or null when it is one. */
    public static String problem(String value) {
        if (value == null || value.isEmpty() || value.equals("text") || value.equals("json")) return null;
        return "invalid " + ENV + " '" + value + "': expected text or json (unset means text)";
    }
}

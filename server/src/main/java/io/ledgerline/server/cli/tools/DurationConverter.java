package io.ledgerline.server.cli.tools;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration option: a number with a unit, {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or ISO-8601
 * ({@code PT10S}). A bare number is refused: seconds or milliseconds would be a guess.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        Matcher m = SIMPLE.matcher(value.trim());
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            Duration d = Duration.parse(value.trim());
            if (d.isNegative()) throw new TypeConversionException("a duration cannot be negative, got '" + value + "'");
            return d;
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            throw new TypeConversionException("expected a duration like 500ms, 10s, 2m or PT10S, got '" + value + "'");
        }
    }
}

package io.ledgerline.server.cli.tools;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Where {@code ledgerline consume --from} starts in each partition: {@code beginning}, {@code end} (only records
 * written from now on), {@code offset:N}, or {@code time:T}, the first record whose timestamp is at or after T
 * (ListOffsets by timestamp), T being ISO-8601 ({@code 2026-12-03T08:00:00Z}, {@code 2026-12-03T09:00:00+01:00})
 * or epoch milliseconds ({@code time:1796284800000}). The prefixes keep an offset and an epoch time apart.
 */
public sealed interface StartPosition {
    record Beginning() implements StartPosition {}

    record End() implements StartPosition {}

    record Offset(long offset) implements StartPosition {}

    record Time(long epochMs) implements StartPosition {}

    final class Converter implements ITypeConverter<StartPosition> {
        @Override
        public StartPosition convert(String value) {
            if (value.equals("beginning")) return new Beginning();
            if (value.equals("end")) return new End();
            try {
                if (value.startsWith("offset:")) {
                    long n = Long.parseLong(value.substring("offset:".length()));
                    if (n >= 0) return new Offset(n);
                } else if (value.startsWith("time:")) {
                    String t = value.substring("time:".length());
                    if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) return new Time(Long.parseLong(t));
                    return new Time(parseTime(t).toEpochMilli());
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                // fall through to the one message below
            }
            throw new TypeConversionException("expected beginning, end, offset:N or time:T (T ISO-8601 like "
                    + "2026-12-03T08:00:00Z, or epoch milliseconds), got '" + value + "'");
        }

        private static Instant parseTime(String t) {
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e) {
                return OffsetDateTime.parse(t).toInstant();
            }
        }
    }
}

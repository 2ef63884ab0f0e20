package io.ledgerline.server.cli.tools;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@code KEY=VALUE} option value ({@code --config}, {@code --header}): split at the first '=', so a value may
 * hold '=' itself; the key must not be empty, the value may be.
 */
public record KeyValue(String key, String value) {

    public static final class Converter implements ITypeConverter<KeyValue> {
        @Override
        public KeyValue convert(String text) {
            int eq = text.indexOf('=');
            if (eq <= 0) throw new TypeConversionException("expected KEY=VALUE, got '" + text + "'");
            return new KeyValue(text.substring(0, eq), text.substring(eq + 1));
        }
    }
}

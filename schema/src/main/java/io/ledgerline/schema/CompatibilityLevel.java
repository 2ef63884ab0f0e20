package io.ledgerline.schema;

import java.util.Locale;
import java.util.Optional;

/**
 * Confluent's seven compatibility levels. BACKWARD: the new schema reads data written with the previous one;
 * FORWARD: the previous schema reads data written with the new one; FULL: both. Without {@code _TRANSITIVE}
 * the new schema is checked against the latest version only, with it against every live earlier version.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** The new schema must read what the earlier ones wrote. */
    public final boolean backward;
    /** The earlier schemas must read what the new one writes. */
    public final boolean forward;
    /** Checked against every earlier live version, not only the latest. */
    public final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** The level a request names, case-insensitively as Confluent accepts it; empty for anything else. */
    public static Optional<CompatibilityLevel> named(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (CompatibilityLevel level : values()) {
            if (level.name().equals(name.toUpperCase(Locale.ROOT))) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}

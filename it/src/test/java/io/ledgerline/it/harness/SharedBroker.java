package io.ledgerline.it.harness;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Map;

/**
 * Resolves a {@link BrokerTarget} parameter to one broker shared by every test class of the run that
 * uses this extension (a Kafka start costs seconds on a 2-core box). It is closed when the run ends.
 * Tests on the shared broker create their own uniquely named topics and change no broker state; a test
 * that restarts its broker or needs other broker settings starts its own with {@link BrokerTarget#start}.
 */
public final class SharedBroker implements ParameterResolver {

    /** Settings of the shared broker; tests rely on them as documented here. */
    public static final Map<String, String> SETTINGS = Map.of(
            // Unknown topics stay unknown (ClientErrorsTest); every test creates its topics explicitly.
            "auto.create.topics.enable", "false",
            // Retention runs twice a second, so RetentionTest sees segments go within seconds.
            "log.retention.check.interval.ms", "500",
            // Group tests use session timeouts of seconds (Groups.SESSION_TIMEOUT_MS); both brokers default to 6 s.
            "group.min.session.timeout.ms", "1000");

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedBroker.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BrokerTarget.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // The root store closes AutoCloseable values when the whole run ends.
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("broker", key -> {
            try {
                return BrokerTarget.start(SETTINGS);
            } catch (Exception e) {
                throw new IllegalStateException("could not start the shared broker", e);
            }
        }, BrokerTarget.class);
    }
}

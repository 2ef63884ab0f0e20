package io.ledgerline.broker.protocol;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.protocol.walk.Walk;
import io.ledgerline.broker.protocol.walk.WalkSteps;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #9's version walk through the real pipeline (a Broker on a socket): every API key of the dispatch table,
 * every version of its advertised range, realistic requests built by kafka-clients at that version
 * ({@link WalkSteps}), answers parsed back at that version with only the error codes Kafka answers there. The
 * ranges come from the table itself, so a key added later is walked too, and fails until it has a step.
 */
class ApiVersionWalkTest {
    @TempDir
    Path dir;

    /** The walk's broker settings, shared with the comparison against Apache Kafka (it module). */
    public static final Map<String, String> SETTINGS = Map.of("auto.create.topics.enable", "false",
            "group.initial.rebalance.delay.ms", "0");

    @Test
    void everyAdvertisedVersionOfEveryApiIsAnswered() throws Exception {
        try (Broker broker = TestBroker.start(dir, SETTINGS).broker()) {
            Map<ApiKeys, short[]> ranges = new EnumMap<>(ApiKeys.class);
            Set<String> expected = new TreeSet<>();
            for (ApiTable.Entry e : broker.apiTable().entries().values()) {
                ranges.put(e.key(), new short[] {e.minVersion(), e.maxVersion()});
                for (short v = e.minVersion(); v <= e.maxVersion(); v++) expected.add(e.key() + " v" + v);
            }
            try (Walk walk = new Walk(broker.advertisedHost(), broker.port())) {
                walk.run(ranges);
                System.out.printf("version walk: %d API keys, %d (key, version) pairs, %d probes, %d failures%n",
                        ranges.size(), walk.walked().size(), walk.exchanges().size(), walk.failures().size());
                walk.failures().forEach((k, v) -> System.out.println("  FAILED " + k + ": " + v));
                assertThat(walk.failures()).as("failures by key and version").isEmpty();
                assertThat(walk.walked()).as("every advertised (key, version)").isEqualTo(expected);
            }
            assertThat(broker.connectionStats().unwritableResponses.sum()).as("unwritable responses").isZero();
            assertThat(broker.connectionStats().unexpectedErrors.sum()).as("unexpected errors").isZero();
        }
    }

    @Test
    void aKeyWithoutAStepFailsTheWalkNamingIt() throws Exception {
        try (Broker broker = TestBroker.start(dir, SETTINGS).broker();
             Walk walk = new Walk(broker.advertisedHost(), broker.port())) {
            assertThat(WalkSteps.STEPS).doesNotContainKey(ApiKeys.DESCRIBE_QUORUM);
            walk.run(Map.of(ApiKeys.DESCRIBE_QUORUM, new short[] {0, 2}));
            assertThat(walk.failures()).containsOnlyKeys("DESCRIBE_QUORUM");
            assertThat(walk.failures().get("DESCRIBE_QUORUM")).contains("no request builder for DESCRIBE_QUORUM");
        }
    }
}

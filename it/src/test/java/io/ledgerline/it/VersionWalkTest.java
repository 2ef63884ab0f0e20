package io.ledgerline.it;

import io.ledgerline.broker.protocol.walk.AnswerDiff;
import io.ledgerline.broker.protocol.walk.Walk;
import io.ledgerline.it.harness.BrokerTarget;
import io.ledgerline.it.harness.TempDirs;
import io.ledgerline.server.LedgerlineServer;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The version walk ({@code io.ledgerline.broker.protocol.walk}, the broker module's ApiVersionWalkTest) over the
 * wire against this run's target: its expectations hold on Ledgerline (default) and on Apache Kafka 4.4
 * ({@code -Pkafka}), for every API key the walk knows and every version the target advertises. With
 * {@code -Pkafka} a Ledgerline broker is started next to Kafka, both are walked over the versions both
 * advertise, and every answer is compared field by field ({@link AnswerDiff}); a difference fails the test
 * unless it is listed in {@link #KNOWN_DIFFERENCES} (and docs/compatibility.md) with its reason.
 */
class VersionWalkTest {

    /** Both brokers: unknown topics stay unknown, a new group's first rebalance does not wait. */
    static final Map<String, String> SETTINGS = Map.of("auto.create.topics.enable", "false",
            "group.initial.rebalance.delay.ms", "0");

    /**
     * Differences from Apache Kafka 4.4 that are known and documented (docs/compatibility.md, "API versions"), by
     * "KEY path" (any version): each diff line of that API starting with the path is accepted.
     */
    static final Map<String, String> KNOWN_DIFFERENCES = Map.of(
            // configs[2] is retention.ms (arrays are compared sorted: cleanup.policy, max.message.bytes, retention.ms)
            "DESCRIBE_CONFIGS /results[0]/configs[2]/synonyms",
            "Ledgerline names the DEFAULT_CONFIG synonym log.retention.ms=604800000; Kafka keeps that default in "
                    + "log.retention.hours, which Ledgerline does not have, and lists no synonym (TopicConfigs)");

    /**
     * Array fields where Ledgerline's elements must all be among Kafka's, which may have more: CreateTopics v5+
     * lists every topic config of the broker, and Kafka has configs Ledgerline does not (min.insync.replicas, …).
     */
    static final Set<String> SUBSETS = Set.of("configs");

    @Test
    void everyVersionIsAnsweredAsKafkaAnswersIt() throws Exception {
        try (BrokerTarget target = BrokerTarget.start(SETTINGS)) {
            String[] hp = target.bootstrapServers().split(":");
            if (!BrokerTarget.isKafka()) {
                try (Walk walk = new Walk(hp[0], Integer.parseInt(hp[1]))) {
                    walk.run(Walk.ranges(walk.advertised()));
                    report(target.name(), walk);
                    assertThat(walk.failures()).as("failures on " + target.name()).isEmpty();
                }
                return;
            }
            Path dataDir = Files.createTempDirectory("ledgerline-walk-");
            Map<String, String> settings = new HashMap<>(SETTINGS);
            settings.put("data.dir", dataDir.toString());
            settings.put("listen", "127.0.0.1:0");
            settings.put("registry.enabled", "false");
            try (LedgerlineServer ledgerline = LedgerlineServer.start(settings);
                 Walk kafka = new Walk(hp[0], Integer.parseInt(hp[1]));
                 Walk ours = new Walk("127.0.0.1", ledgerline.port())) {
                Map<ApiKeys, short[]> common = new EnumMap<>(ApiKeys.class);
                List<String> onlyOurs = new ArrayList<>();
                for (Map.Entry<ApiKeys, ApiVersion> e : ours.advertised().entrySet()) {
                    ApiVersion k = kafka.advertised().get(e.getKey());
                    if (k == null) {
                        onlyOurs.add(e.getKey() + " (Kafka does not advertise it)");
                        continue;
                    }
                    short min = (short) Math.max(k.minVersion(), e.getValue().minVersion());
                    short max = (short) Math.min(k.maxVersion(), e.getValue().maxVersion());
                    if (e.getValue().minVersion() < k.minVersion() || e.getValue().maxVersion() > k.maxVersion()) {
                        onlyOurs.add(e.getKey() + " " + e.getValue().minVersion() + "-" + e.getValue().maxVersion()
                                + " (Kafka " + k.minVersion() + "-" + k.maxVersion() + ")");
                    }
                    if (min <= max) common.put(e.getKey(), new short[] {min, max});
                }
                System.out.println("[walk] advertised by Ledgerline beyond Kafka: " + onlyOurs);
                assertThat(onlyOurs).as("Ledgerline advertises nothing Kafka does not").isEmpty();
                kafka.run(common);
                report(target.name(), kafka);
                ours.run(common);
                report("Ledgerline", ours);
                assertThat(kafka.failures()).as("the walk's expectations on Kafka").isEmpty();
                assertThat(ours.failures()).as("the walk's expectations on Ledgerline").isEmpty();

                List<String> differences = compare(ours, kafka);
                differences.forEach(d -> System.out.println("[walk] DIFFERENCE " + d));
                assertThat(differences).as("answers that differ from Kafka's (not in KNOWN_DIFFERENCES)").isEmpty();
            } finally {
                TempDirs.delete(dataDir);
            }
        }
    }

    private static void report(String name, Walk walk) {
        System.out.printf("[walk] %s: %d (key, version) pairs, %d probes, %d failures%n",
                name, walk.walked().size(), walk.exchanges().size(), walk.failures().size());
        walk.failures().forEach((k, v) -> System.out.println("[walk]   FAILED on " + name + " " + k + ": " + v));
    }

    /** Every answer of {@code ours} against Kafka's to the same probe, as "KEY vN what path: ours vs Kafka's". */
    static List<String> compare(Walk ours, Walk kafka) {
        Map<String, Walk.Exchange> theirs = new LinkedHashMap<>();
        kafka.exchanges().forEach(x -> theirs.put(x.id(), x));
        Set<String> seen = new TreeSet<>();
        List<String> out = new ArrayList<>();
        for (Walk.Exchange x : ours.exchanges()) {
            seen.add(x.id());
            Walk.Exchange k = theirs.get(x.id());
            if (k == null) {
                out.add(x.id() + ": only Ledgerline answered so");
                continue;
            }
            if (x.response() == null || k.response() == null) continue; // both closed the connection (same id)
            for (String d : AnswerDiff.diff(AnswerDiff.json(x.response().data(), x.version()),
                    AnswerDiff.json(k.response().data(), k.version()), Set.of(), x.key() == ApiKeys.CREATE_TOPICS ? SUBSETS : Set.of())) {
                if (!known(x.key(), d)) out.add(x.id() + " " + d);
            }
        }
        for (String id : theirs.keySet()) if (!seen.contains(id)) out.add(id + ": only Kafka answered so");
        return out;
    }

    private static boolean known(ApiKeys key, String diffLine) {
        for (String k : KNOWN_DIFFERENCES.keySet()) {
            int space = k.indexOf(' ');
            if (k.substring(0, space).equals(key.name()) && diffLine.startsWith(k.substring(space + 1))) return true;
        }
        return false;
    }
}

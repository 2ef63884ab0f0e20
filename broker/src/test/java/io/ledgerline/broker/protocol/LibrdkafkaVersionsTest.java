package io.ledgerline.broker.protocol;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Advertise nothing librdkafka would use and Ledgerline does not answer. librdkafka 2.0.2 (Debian's, under kcat
 * and confluent-kafka-python) decides two things from the advertised ranges, both transcribed here from its
 * sources at tag v2.0.2:
 * <ul>
 *   <li>features (src/rdkafka_feature.c, {@code rd_kafka_feature_map}): a feature is on when each of its
 *       (API, min, max) dependencies overlaps the broker's range; gzip and snappy batches are compressed only if
 *       Produce's range includes v0 (src/rdkafka_msgset_writer.c, {@code compr_req}), lz4 needs the LZ4 feature,
 *       zstd Produce v7 and the ZSTD feature;</li>
 *   <li>the version of each request: the highest both sides speak, within librdkafka's own (min, max), every
 *       {@code rd_kafka_broker_ApiVersion_supported} call (Produce: v3-7 once MsgVer2 is on).</li>
 * </ul>
 * Every version librdkafka would send must be one the dispatch table serves (advertised and parseable, so the
 * version walk answers it); the features it turns on are those it gets from Kafka 4.x, whose minimums Ledgerline
 * copies (Produce from 0, FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup from 0).
 */
class LibrdkafkaVersionsTest {
    @TempDir
    static Path dir;
    static Broker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir).broker();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** librdkafka 2.0.2's (min, max) per API, from its rd_kafka_broker_ApiVersion_supported calls. */
    static final Map<ApiKeys, short[]> REQUESTS = new EnumMap<>(ApiKeys.class);

    static {
        put(ApiKeys.PRODUCE, 3, 7); // 0-7, 3+ once MsgVer2 is on
        put(ApiKeys.FETCH, 0, 11);
        put(ApiKeys.LIST_OFFSETS, 0, 2);
        put(ApiKeys.METADATA, 0, 4);
        put(ApiKeys.OFFSET_COMMIT, 0, 7);
        put(ApiKeys.OFFSET_FETCH, 0, 7);
        put(ApiKeys.FIND_COORDINATOR, 0, 2);
        put(ApiKeys.JOIN_GROUP, 0, 5);
        put(ApiKeys.HEARTBEAT, 0, 3);
        put(ApiKeys.LEAVE_GROUP, 0, 1);
        put(ApiKeys.SYNC_GROUP, 0, 3);
        put(ApiKeys.DESCRIBE_GROUPS, 0, 4);
        put(ApiKeys.LIST_GROUPS, 0, 4);
        put(ApiKeys.API_VERSIONS, 0, 3);
        put(ApiKeys.CREATE_TOPICS, 0, 4);
        put(ApiKeys.DELETE_TOPICS, 0, 1);
        put(ApiKeys.DELETE_RECORDS, 0, 1);
        put(ApiKeys.INIT_PRODUCER_ID, 0, 4);
        put(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, 0);
        put(ApiKeys.ADD_OFFSETS_TO_TXN, 0, 0);
        put(ApiKeys.END_TXN, 0, 1);
        put(ApiKeys.TXN_OFFSET_COMMIT, 0, 3);
        put(ApiKeys.DESCRIBE_CONFIGS, 0, 1);
        put(ApiKeys.ALTER_CONFIGS, 0, 0);
        put(ApiKeys.CREATE_PARTITIONS, 0, 0);
        put(ApiKeys.DELETE_GROUPS, 0, 1);
        put(ApiKeys.OFFSET_DELETE, 0, 0);
        put(ApiKeys.DESCRIBE_ACLS, 0, 1);
        put(ApiKeys.CREATE_ACLS, 0, 1);
        put(ApiKeys.DELETE_ACLS, 0, 1);
        put(ApiKeys.SASL_HANDSHAKE, 0, 1);
    }

    private static void put(ApiKeys key, int min, int max) {
        REQUESTS.put(key, new short[] {(short) min, (short) max});
    }

    /** rd_kafka_feature_map of v2.0.2: feature, then its (API, min, max) dependencies. */
    record Dependency(ApiKeys key, int min, int max) {}

    static final Map<String, List<Dependency>> FEATURES = new LinkedHashMap<>();

    static {
        FEATURES.put("MsgVer1", List.of(new Dependency(ApiKeys.PRODUCE, 2, 2), new Dependency(ApiKeys.FETCH, 2, 2)));
        FEATURES.put("MsgVer2", List.of(new Dependency(ApiKeys.PRODUCE, 3, 3), new Dependency(ApiKeys.FETCH, 4, 4)));
        FEATURES.put("ApiVersion", List.of(new Dependency(ApiKeys.API_VERSIONS, 0, 0)));
        FEATURES.put("BrokerGroupCoordinator", List.of(new Dependency(ApiKeys.FIND_COORDINATOR, 0, 0)));
        FEATURES.put("BrokerBalancedConsumer", List.of(new Dependency(ApiKeys.FIND_COORDINATOR, 0, 0),
                new Dependency(ApiKeys.OFFSET_COMMIT, 1, 2), new Dependency(ApiKeys.OFFSET_FETCH, 1, 1),
                new Dependency(ApiKeys.JOIN_GROUP, 0, 0), new Dependency(ApiKeys.SYNC_GROUP, 0, 0),
                new Dependency(ApiKeys.HEARTBEAT, 0, 0), new Dependency(ApiKeys.LEAVE_GROUP, 0, 0)));
        FEATURES.put("ThrottleTime", List.of(new Dependency(ApiKeys.PRODUCE, 1, 2), new Dependency(ApiKeys.FETCH, 1, 2)));
        FEATURES.put("Sasl", List.of(new Dependency(ApiKeys.JOIN_GROUP, 0, 0)));
        FEATURES.put("SaslHandshake", List.of(new Dependency(ApiKeys.SASL_HANDSHAKE, 0, 0)));
        FEATURES.put("LZ4", List.of(new Dependency(ApiKeys.FIND_COORDINATOR, 0, 0)));
        FEATURES.put("OffsetTime", List.of(new Dependency(ApiKeys.LIST_OFFSETS, 1, 1)));
        FEATURES.put("IdempotentProducer", List.of(new Dependency(ApiKeys.INIT_PRODUCER_ID, 0, 0)));
        FEATURES.put("ZSTD", List.of(new Dependency(ApiKeys.PRODUCE, 7, 7), new Dependency(ApiKeys.FETCH, 10, 10)));
        FEATURES.put("SaslAuthReq", List.of(new Dependency(ApiKeys.SASL_HANDSHAKE, 1, 1), new Dependency(ApiKeys.SASL_AUTHENTICATE, 0, 0)));
    }

    private static boolean overlaps(ApiKeys key, int min, int max) {
        ApiTable.Entry e = broker.apiTable().get(key);
        return e != null && min <= e.maxVersion() && e.minVersion() <= max;
    }

    @Test
    void everyVersionLibrdkafkaSendsIsServed() {
        List<String> sent = new ArrayList<>();
        List<String> unserved = new ArrayList<>();
        REQUESTS.forEach((key, range) -> {
            ApiTable.Entry e = broker.apiTable().get(key);
            if (e == null) return; // not advertised: librdkafka does not send it (SASL, ACL changes)
            short v = (short) Math.min(range[1], e.maxVersion());
            if (v < Math.max(range[0], e.minVersion())) {
                unserved.add(key + ": no common version (librdkafka " + range[0] + "-" + range[1] + ")");
                return;
            }
            sent.add(key + " v" + v);
            if (!broker.apiTable().supports(key, v)) unserved.add(key + " v" + v + " is advertised but not parseable");
        });
        System.out.println("librdkafka 2.0.2 sends Ledgerline: " + sent);
        assertThat(unserved).isEmpty();
        // the old versions issue #9 is about: kcat's ListOffsets v2, its consumer's LeaveGroup v1, Metadata v4
        assertThat(sent).contains("LIST_OFFSETS v2", "LEAVE_GROUP v1", "METADATA v4", "PRODUCE v7", "FETCH v11", "END_TXN v1");
    }

    @Test
    void theFeaturesLibrdkafkaTurnsOnAreKafkasAndTheirVersionsAreServed() {
        TreeSet<String> on = new TreeSet<>();
        List<String> unserved = new ArrayList<>();
        FEATURES.forEach((feature, deps) -> {
            if (deps.stream().allMatch(d -> overlaps(d.key(), d.min(), d.max()))) on.add(feature);
        });
        // As with Kafka 4.x: no MsgVer1 or ThrottleTime (Fetch starts at v4), no SASL handshake (no SASL).
        assertThat(on).containsExactlyInAnyOrder("MsgVer2", "ApiVersion", "BrokerGroupCoordinator", "BrokerBalancedConsumer",
                "Sasl", "LZ4", "OffsetTime", "IdempotentProducer", "ZSTD");
        // gzip and snappy are compressed only if Produce v0 lies in the range (KAFKA-18659): it is advertised, and
        // never sent (MsgVer2 is on, so librdkafka's Produce starts at v3), as with Kafka 4.x.
        assertThat(overlaps(ApiKeys.PRODUCE, 0, 0)).as("Produce v0 advertised, so gzip/snappy batches are compressed").isTrue();
        assertThat(REQUESTS.get(ApiKeys.PRODUCE)[0]).isEqualTo((short) 3);
        // Every other version a feature consults is one the broker serves.
        FEATURES.forEach((feature, deps) -> {
            if (!on.contains(feature)) return;
            for (Dependency d : deps) {
                for (int v = d.min(); v <= d.max(); v++) {
                    if (overlaps(d.key(), v, v) && !broker.apiTable().supports(d.key(), (short) v)) {
                        unserved.add(feature + " needs " + d.key() + " v" + v + ", advertised but not served");
                    }
                }
            }
        });
        assertThat(unserved).isEmpty();
    }
}

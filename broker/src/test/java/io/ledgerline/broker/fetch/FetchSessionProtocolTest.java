package io.ledgerline.broker.fetch;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.TestBroker;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.ledgerline.broker.fetch.FetchSessionClient.offsets;
import static io.ledgerline.broker.fetch.FetchSessionClient.produce;
import static io.ledgerline.broker.fetch.FetchSessionClient.records;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fetch session over the wire at every Fetch version the broker advertises: v7 and later create, update, forget,
 * refuse and close sessions as Kafka does (topic names to v12, topic ids from v13); v4-v6 have no sessions and keep
 * getting full answers. Each version works on a topic of its own.
 */
class FetchSessionProtocolTest {
    @TempDir
    static Path dir;
    static Broker broker;

    @BeforeAll
    static void start() throws IOException {
        broker = TestBroker.start(dir).broker();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static IntStream sessionVersions() {
        return IntStream.rangeClosed(7, ApiKeys.FETCH.latestVersion(false));
    }

    @ParameterizedTest(name = "Fetch v{0}")
    @MethodSource("sessionVersions")
    void sessionLifecycle(int v) throws IOException {
        String t = "sess-v" + v;
        broker.topics().create(t, 3, Map.of());
        produce(broker, t, 0, 2);
        FetchSessionClient c = new FetchSessionClient(broker, (short) v);
        try {
            FetchResponse full = c.fetch(0, 0, offsets(t, 0, 0, 0), Map.of());
            int id = full.data().sessionId();
            assertThat(full.error()).isEqualTo(Errors.NONE);
            assertThat(id).as("a full fetch at epoch 0 creates a session").isPositive();
            Map<String, FetchResponseData.PartitionData> all = c.partitions(full);
            assertThat(all).containsOnlyKeys(t + "-0", t + "-1", t + "-2");
            assertThat(records(all.get(t + "-0"))).isEqualTo(2);

            // The consumer moves partition 0 to offset 2; nothing is new anywhere: an empty response.
            FetchResponse quiet = c.fetch(id, 1, Map.of(t, Map.of(0, 2L)), Map.of());
            assertThat(quiet.error()).isEqualTo(Errors.NONE);
            assertThat(quiet.data().sessionId()).isEqualTo(id);
            assertThat(quiet.data().responses()).isEmpty();

            // A record on partition 2: only partition 2, with it (the session remembers its offset 0).
            produce(broker, t, 2, 1);
            FetchResponse news = c.fetch(id, 2, Map.of(), Map.of());
            assertThat(c.partitions(news)).containsOnlyKeys(t + "-2");
            assertThat(records(c.partitions(news).get(t + "-2"))).isEqualTo(1);
            assertThat(c.partitions(news).get(t + "-2").highWatermark()).isEqualTo(1);

            // Wrong epoch, unknown id: the error at the top, no partitions, session id 0; the session survives.
            for (FetchResponse bad : List.of(c.fetch(id, 7, Map.of(), Map.of()), c.fetch(id, 2, Map.of(), Map.of()))) {
                assertThat(bad.error()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH);
                assertThat(bad.data().sessionId()).isZero();
                assertThat(bad.data().responses()).isEmpty();
            }
            FetchResponse unknown = c.fetch(id == Integer.MAX_VALUE ? 1 : id + 1, 1, Map.of(), Map.of());
            assertThat(unknown.error()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
            assertThat(unknown.data().sessionId()).isZero();
            assertThat(unknown.data().responses()).isEmpty();

            // Forget partition 2 (moved to offset 1), then produce there: the session no longer reports it.
            FetchResponse forgot = c.fetch(id, 3, Map.of(t, Map.of(2, 1L)), Map.of(t, List.of(2)));
            assertThat(forgot.data().responses()).isEmpty();
            produce(broker, t, 2, 1);
            produce(broker, t, 1, 1);
            assertThat(c.partitions(c.fetch(id, 4, Map.of(), Map.of()))).containsOnlyKeys(t + "-1");

            // Epoch -1 closes the session: a full, sessionless answer; the id is gone afterwards.
            FetchResponse close = c.fetch(id, -1, offsets(t, 2, 1, 1), Map.of());
            assertThat(close.data().sessionId()).isZero();
            assertThat(c.partitions(close)).containsOnlyKeys(t + "-0", t + "-1", t + "-2");
            assertThat(c.fetch(id, 5, Map.of(), Map.of()).error()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        } finally {
            c.close();
        }
    }

    @ParameterizedTest(name = "Fetch v{0}")
    @MethodSource("sessionVersions")
    void unknownTopicIsReportedLastAndInEveryIncrementalResponse(int v) throws IOException {
        String t = "unknown-v" + v;
        broker.topics().create(t, 1, Map.of());
        FetchSessionClient c = new FetchSessionClient(broker, (short) v);
        try {
            Map<String, Map<Integer, Long>> both = new java.util.LinkedHashMap<>();
            both.put("no-such-topic-v" + v, Map.of(0, 0L));
            both.put(t, Map.of(0, 0L));
            FetchResponse full = c.fetch(0, 0, both, Map.of());
            int id = full.data().sessionId();
            assertThat(id).isPositive();
            List<FetchResponseData.FetchableTopicResponse> topics = full.data().responses();
            assertThat(topics).hasSize(2);
            Errors expected = v >= 13 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
            assertThat(topics.get(1).partitions().get(0).errorCode()).as("the unknown topic comes last").isEqualTo(expected.code());
            assertThat(topics.get(1).partitions().get(0).highWatermark()).isEqualTo(-1);
            FetchResponse again = c.fetch(id, 1, Map.of(), Map.of());
            assertThat(again.data().responses()).as("an erroring partition is in every response").singleElement()
                    .satisfies(tr -> assertThat(tr.partitions().get(0).errorCode()).isEqualTo(expected.code()));
        } finally {
            c.close();
        }
    }

    @ParameterizedTest(name = "Fetch v{0}")
    @MethodSource("sessionVersions")
    void aSessionIsBoundToTopicNamesOrTopicIds(int v) throws IOException {
        String t = "ids-v" + v;
        broker.topics().create(t, 1, Map.of());
        short other = (short) (v >= 13 ? 12 : 13);
        FetchSessionClient c = new FetchSessionClient(broker, (short) v);
        FetchSessionClient o = new FetchSessionClient(broker, other);
        try {
            int id = c.fetch(0, 0, offsets(t, 0), Map.of()).data().sessionId();
            FetchResponse mixed = o.fetch(id, 1, Map.of(), Map.of());
            assertThat(mixed.error()).isEqualTo(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
            assertThat(mixed.data().responses()).isEmpty();
            assertThat(c.fetch(id, 1, Map.of(), Map.of()).error()).as("the refused request did not move the epoch").isEqualTo(Errors.NONE);
        } finally {
            c.close();
            o.close();
        }
    }

    @ParameterizedTest(name = "Fetch v{0}")
    @MethodSource("noSessionVersions")
    void versionsBeforeSevenAreAlwaysFullAndSessionless(int v) throws IOException {
        String t = "old-v" + v;
        broker.topics().create(t, 2, Map.of());
        produce(broker, t, 1, 3);
        FetchSessionClient c = new FetchSessionClient(broker, (short) v);
        try {
            int before = broker.fetchSessions().sessions();
            for (int i = 0; i < 2; i++) {
                FetchResponse r = c.fetch(0, -1, offsets(t, 0, 0), Map.of());
                assertThat(c.partitions(r)).containsOnlyKeys(t + "-0", t + "-1");
                assertThat(records(c.partitions(r).get(t + "-1"))).isEqualTo(3);
            }
            assertThat(broker.fetchSessions().sessions()).isEqualTo(before);
        } finally {
            c.close();
        }
    }

    static IntStream noSessionVersions() {
        return IntStream.rangeClosed(4, 6);
    }
}

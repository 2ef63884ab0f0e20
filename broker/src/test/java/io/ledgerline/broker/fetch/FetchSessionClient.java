package io.ledgerline.broker.fetch;

import io.ledgerline.broker.Broker;
import io.ledgerline.broker.testkit.RawClient;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;


/** Raw Fetch requests for session tests: partitions by topic and index, sent at one version, never waiting. */
final class FetchSessionClient {
    private final Broker broker;
    private final RawClient raw;
    final short version;

    FetchSessionClient(Broker broker, short version) throws IOException {
        this.broker = broker;
        this.raw = new RawClient(broker);
        this.version = version;
    }

    void close() throws IOException {
        raw.close();
    }

    /** A fetch (max wait 0) of {@code fetch} (topic -> partition -> offset), forgetting {@code forget}. */
    FetchResponse fetch(int sessionId, int epoch, Map<String, Map<Integer, Long>> fetch, Map<String, List<Integer>> forget) throws IOException {
        FetchRequestData d = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 24)
                .setSessionId(sessionId).setSessionEpoch(epoch);
        for (Map.Entry<String, Map<Integer, Long>> t : fetch.entrySet()) {
            FetchRequestData.FetchTopic ft = new FetchRequestData.FetchTopic();
            if (version >= 13) ft.setTopicId(id(t.getKey()));
            else ft.setTopic(t.getKey());
            for (Map.Entry<Integer, Long> p : t.getValue().entrySet()) {
                ft.partitions().add(new FetchRequestData.FetchPartition().setPartition(p.getKey()).setFetchOffset(p.getValue())
                        .setPartitionMaxBytes(1 << 20));
            }
            d.topics().add(ft);
        }
        for (Map.Entry<String, List<Integer>> t : forget.entrySet()) {
            FetchRequestData.ForgottenTopic ft = new FetchRequestData.ForgottenTopic().setPartitions(new ArrayList<>(t.getValue()));
            if (version >= 13) ft.setTopicId(id(t.getKey()));
            else ft.setTopic(t.getKey());
            d.forgottenTopicsData().add(ft);
        }
        return (FetchResponse) raw.send(new FetchRequest(d, version));
    }

    Uuid id(String topic) {
        return broker.topics().get(topic) == null ? Uuid.randomUuid() : broker.topics().get(topic).topic().id();
    }

    /** The response's partitions as "topic-partition" -> data, topic named by id at v13+. */
    Map<String, FetchResponseData.PartitionData> partitions(FetchResponse r) {
        Map<String, FetchResponseData.PartitionData> out = new LinkedHashMap<>();
        for (FetchResponseData.FetchableTopicResponse t : r.data().responses()) {
            String name = version >= 13 ? nameOf(t.topicId()) : t.topic();
            for (FetchResponseData.PartitionData p : t.partitions()) out.put(name + "-" + p.partitionIndex(), p);
        }
        return out;
    }

    private String nameOf(Uuid id) {
        for (var e : broker.topics().all()) if (e.topic().id().equals(id)) return e.topic().name();
        return "?" + id;
    }

    static int records(FetchResponseData.PartitionData p) {
        int n = 0;
        for (var b : ((org.apache.kafka.common.record.internal.Records) p.records()).batches()) {
            for (var ignored : b) n++;
        }
        return n;
    }

    static Map<String, Map<Integer, Long>> offsets(String topic, long... perPartition) {
        Map<Integer, Long> m = new TreeMap<>();
        for (int i = 0; i < perPartition.length; i++) m.put(i, perPartition[i]);
        return Map.of(topic, m);
    }

    static void produce(Broker broker, String topic, int partition, int count) throws IOException {
        SimpleRecord[] rs = new SimpleRecord[count];
        for (int i = 0; i < count; i++) rs[i] = new SimpleRecord(("v" + i).getBytes());
        try (RawClient producer = new RawClient(broker)) {
            producer.produce(topic, partition, MemoryRecords.withRecords(Compression.NONE, rs));
        }
    }
}

package io.ledgerline.broker.protocol.walk;

import io.ledgerline.broker.testkit.RawClient;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The version walk over one broker (Ledgerline or Apache Kafka, reached over the wire): for every API key in a
 * version table and every version in its range, the {@link WalkSteps step} of that key sends realistic requests
 * built by kafka-clients at that version ({@link #probe}) and checks the answers, which kafka-clients parses back
 * at that version. Prerequisites (a topic with records, a joined member, a transactional producer) are made with
 * {@link #setup} requests at the newest version both sides speak; every probe is on a connection of its own.
 *
 * <p>A probe's response may carry only the error codes the step expects (NONE unless Kafka answers that request
 * otherwise): an error code the version does not know, or any other, is a failure. Failures are collected per
 * (key, version), so one run names every broken version; {@link #exchanges} keeps every probe's answer for the
 * comparison with Apache Kafka ({@link AnswerDiff}).
 */
public final class Walk implements AutoCloseable {

    /** One probe: what was asked at which version, and the parsed answer (null when the connection closed). */
    public record Exchange(ApiKeys key, short version, String what, AbstractRequest request, AbstractResponse response) {
        public String id() {
            return key + " v" + version + " " + what;
        }
    }

    /** What a step of one API key does at one version. */
    @FunctionalInterface
    public interface Step {
        void run(Walk walk, short version) throws Exception;
    }

    /** The topic every read probe reads: {@link #TOPIC_PARTITIONS} partitions, {@link #RECORDS} records in partition 0. */
    public static final String TOPIC = "walk";
    public static final int TOPIC_PARTITIONS = 2;
    public static final int RECORDS = 3;
    /** A group with offset {@link #COMMITTED} committed for partition 0 of {@link #TOPIC}. */
    public static final String COMMITTED_GROUP = "walk-committed";
    public static final long COMMITTED = 2;

    private final String host;
    private final int port;
    private final RawClient setup;
    private final Map<ApiKeys, ApiVersion> advertised = new java.util.EnumMap<>(ApiKeys.class);
    private final Map<String, Uuid> topicIds = new HashMap<>();
    private final List<Exchange> exchanges = new ArrayList<>();
    private final Map<String, String> failures = new TreeMap<>();
    private final Set<String> walked = new TreeSet<>();
    private ApiKeys currentKey;
    private short currentVersion;

    public Walk(String host, int port) throws IOException {
        this.host = host;
        this.port = port;
        this.setup = new RawClient(host, port);
        ApiVersionsResponse r = (ApiVersionsResponse) setup.send(new ApiVersionsRequest.Builder().build((short) 3));
        if (r.data().errorCode() != Errors.NONE.code()) throw new IOException("ApiVersions: " + Errors.forCode(r.data().errorCode()));
        for (ApiVersion v : r.data().apiKeys()) {
            if (ApiKeys.hasId(v.apiKey())) advertised.put(ApiKeys.forId(v.apiKey()), v);
        }
    }

    /** The broker's advertised range of every API key, as its ApiVersions said. */
    public Map<ApiKeys, ApiVersion> advertised() {
        return advertised;
    }

    /**
     * Walks every key of {@code ranges} through every version of its range (min and max inclusive). A key
     * without a step in {@link WalkSteps#STEPS} is a failure naming it.
     */
    public void run(Map<ApiKeys, short[]> ranges) {
        try {
            WalkSteps.prepare(this);
        } catch (Exception e) {
            throw new IllegalStateException("the walk's fixture could not be set up on " + host + ":" + port, e);
        }
        for (Map.Entry<ApiKeys, short[]> e : new TreeMap<>(ranges).entrySet()) {
            ApiKeys key = e.getKey();
            Step step = WalkSteps.STEPS.get(key);
            if (step == null) {
                failures.put(key.toString(), "no request builder for " + key + " (id " + key.id
                        + ") in WalkSteps.STEPS: add a step for every version it advertises");
                continue;
            }
            for (short v = e.getValue()[0]; v <= e.getValue()[1]; v++) {
                currentKey = key;
                currentVersion = v;
                walked.add(key + " v" + v);
                try {
                    step.run(this, v);
                } catch (Throwable t) {
                    failures.put(key + " v" + v, t.getClass().getSimpleName() + ": " + t.getMessage());
                }
            }
        }
    }

    /** The ranges of a broker's ApiVersions answer, for {@link #run}. */
    public static Map<ApiKeys, short[]> ranges(Map<ApiKeys, ApiVersion> advertised) {
        Map<ApiKeys, short[]> out = new java.util.EnumMap<>(ApiKeys.class);
        advertised.forEach((k, v) -> out.put(k, new short[] {v.minVersion(), v.maxVersion()}));
        return out;
    }

    /** (key, version) pairs walked, as "KEY vN". */
    public Set<String> walked() {
        return walked;
    }

    /** Failures by "KEY vN" (or "KEY" when the key has no step). */
    public Map<String, String> failures() {
        return failures;
    }

    public List<Exchange> exchanges() {
        return exchanges;
    }

    public Uuid topicId(String topic) {
        Uuid id = topicIds.get(topic);
        if (id == null) throw new IllegalStateException("no topic id known for " + topic);
        return id;
    }

    void topicId(String topic, Uuid id) {
        topicIds.put(topic, id);
    }

    /** The version the current step is being run at (for names unique per version). */
    String suffix() {
        return currentKey.name().toLowerCase().replace('_', '-') + "-v" + currentVersion;
    }

    /**
     * Sends a prerequisite at the newest version both the builder and the broker allow, and insists on no error
     * other than {@code allowed} (NONE always).
     */
    @SuppressWarnings("unchecked")
    <R extends AbstractResponse> R setup(AbstractRequest.Builder<?> builder, Errors... allowed) throws IOException {
        ApiVersion adv = advertised.get(builder.apiKey());
        if (adv == null) throw new IllegalStateException("setup needs " + builder.apiKey() + ", which the broker does not advertise");
        short v = (short) Math.min(builder.latestAllowedVersion(), adv.maxVersion());
        R r = (R) setup.send(builder.build(v));
        Set<Errors> ok = EnumSet.of(Errors.NONE);
        ok.addAll(Arrays.asList(allowed));
        Set<Errors> got = errors(r.data());
        if (!ok.containsAll(got)) throw new IllegalStateException("setup " + builder.apiKey() + " v" + v + " answered " + got);
        return r;
    }

    /**
     * The request under test: sent on a connection of its own, its response parsed at its version. The response
     * may carry only NONE and {@code expected}; anything else throws, naming the codes.
     */
    @SuppressWarnings("unchecked")
    <R extends AbstractResponse> R probe(String what, AbstractRequest request, Errors... expected) throws IOException {
        if (request.apiKey() != currentKey || request.version() != currentVersion) {
            throw new IllegalStateException("a step of " + currentKey + " v" + currentVersion + " probed " + request.apiKey() + " v" + request.version());
        }
        R r;
        try (RawClient c = new RawClient(host, port)) {
            r = (R) c.send(request);
        }
        exchanges.add(new Exchange(request.apiKey(), request.version(), what, request, r));
        Set<Errors> ok = EnumSet.of(Errors.NONE);
        ok.addAll(Arrays.asList(expected));
        Set<Errors> got = errors(r.data());
        if (!ok.containsAll(got)) {
            throw new AssertionError(what + ": error codes " + got + " where only " + ok + " are expected");
        }
        return r;
    }

    /** Like {@link #probe}, for a request the broker must answer by closing the connection; true if it did. */
    boolean probeClosed(String what, ApiKeys key, short version, java.nio.ByteBuffer frame) throws IOException {
        try (RawClient c = new RawClient(host, port)) {
            c.writeFrame(frame);
            boolean closed = c.closedByPeer();
            exchanges.add(new Exchange(key, version, what + (closed ? " (connection closed)" : " (answered)"), null, null));
            return closed;
        }
    }

    /**
     * Every error code in a message and the messages nested in it: each generated field named {@code errorCode}
     * (top level, per topic, per partition, per member, …).
     */
    public static Set<Errors> errors(Message m) {
        Set<Errors> out = EnumSet.noneOf(Errors.class);
        collect(m, out);
        return out;
    }

    private static void collect(Object o, Set<Errors> out) {
        if (o instanceof Collection<?> c) {
            for (Object e : c) collect(e, out);
            return;
        }
        if (!(o instanceof Message m)) return;
        try {
            for (java.lang.reflect.Field f : m.getClass().getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) continue;
                if (f.getName().equals("prev") || f.getName().equals("next")) continue; // collection links
                f.setAccessible(true);
                Object v = f.get(m);
                if (f.getName().endsWith("errorCode") && v instanceof Short s) {
                    out.add(Errors.forCode(s));
                } else {
                    collect(v, out);
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        setup.close();
    }
}

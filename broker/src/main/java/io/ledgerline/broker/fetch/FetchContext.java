package io.ledgerline.broker.fetch;

import io.ledgerline.broker.fetch.FetchSession.CachedPartition;
import io.ledgerline.broker.fetch.FetchSession.Key;
import io.ledgerline.broker.fetch.FetchSession.Wanted;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchResponse;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one Fetch request is with respect to fetch sessions (Kafka's {@code FetchContext}): the partitions to read,
 * and how the read partitions become the response. Made by {@link FetchSessionCache#newContext}; the response is
 * built when the read is final, so a long poll answers from the session as it is then.
 */
sealed interface FetchContext {

    /** The partitions to read, in read order. */
    List<Wanted> toRead();

    /** The response for the partitions read ({@code updates}, in read order, errors last); may prune them. */
    FetchResponse respond(LinkedHashMap<Key, Update> updates);

    /** One partition's response, with what was asked for it. */
    record Update(Wanted wanted, FetchResponseData.PartitionData data) {}

    /** A session error: no partitions, the error at the top, session id 0. */
    record SessionError(Errors error) implements FetchContext {
        @Override
        public List<Wanted> toRead() {
            return List.of();
        }

        @Override
        public FetchResponse respond(LinkedHashMap<Key, Update> updates) {
            return response(error, FetchMetadata.INVALID_SESSION_ID, new LinkedHashMap<>());
        }
    }

    /** Epoch -1 (and every Fetch below v7): every partition, session id 0. */
    record Sessionless(List<Wanted> toRead) implements FetchContext {
        @Override
        public FetchResponse respond(LinkedHashMap<Key, Update> updates) {
            return response(Errors.NONE, FetchMetadata.INVALID_SESSION_ID, updates);
        }
    }

    /** Epoch 0: every partition; a new session remembers them all if the cache admits it. */
    record Full(FetchSessionCache cache, List<Wanted> toRead, boolean usesTopicIds) implements FetchContext {
        @Override
        public FetchResponse respond(LinkedHashMap<Key, Update> updates) {
            int id = cache.maybeCreate(updates.size(), usesTopicIds, () -> {
                LinkedHashMap<Key, CachedPartition> parts = new LinkedHashMap<>();
                for (Map.Entry<Key, Update> e : updates.entrySet()) {
                    FetchResponseData.PartitionData d = e.getValue().data();
                    parts.put(e.getKey(), new CachedPartition(e.getValue().wanted(), d.highWatermark(), d.logStartOffset()));
                }
                return parts;
            });
            return response(Errors.NONE, id, updates);
        }
    }

    /**
     * An incremental request of {@code session} at {@code epoch}: the session's partitions; the response leaves out
     * those with nothing new. Another request of the session answered meanwhile (a duplicate) moved the epoch: then
     * INVALID_FETCH_SESSION_EPOCH, with this session's id, as Kafka.
     */
    record Incremental(FetchSession session, int epoch, List<Wanted> toRead) implements FetchContext {
        @Override
        public FetchResponse respond(LinkedHashMap<Key, Update> updates) {
            synchronized (session) {
                if (session.epoch() != FetchMetadata.nextEpoch(epoch)) {
                    return response(Errors.INVALID_FETCH_SESSION_EPOCH, session.id, new LinkedHashMap<>());
                }
                for (Iterator<Map.Entry<Key, Update>> it = updates.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<Key, Update> e = it.next();
                    CachedPartition cached = session.find(e.getKey());
                    FetchResponseData.PartitionData d = e.getValue().data();
                    if (cached != null && cached.mustRespond(d, true)) {
                        if (FetchResponse.recordsSize(d) > 0) session.moveToEnd(e.getKey());
                    } else {
                        it.remove();
                    }
                }
                return response(Errors.NONE, session.id, updates);
            }
        }
    }

    /** Kafka's own response builder: partitions grouped by consecutive topic, in the given order. */
    private static FetchResponse response(Errors error, int sessionId, LinkedHashMap<Key, Update> updates) {
        LinkedHashMap<TopicIdPartition, FetchResponseData.PartitionData> parts = new LinkedHashMap<>();
        for (Update u : updates.values()) {
            Wanted w = u.wanted();
            parts.put(new TopicIdPartition(w.topicId(), w.partition(), w.topic()), u.data());
        }
        return FetchResponse.of(error, 0, sessionId, parts, List.of());
    }
}

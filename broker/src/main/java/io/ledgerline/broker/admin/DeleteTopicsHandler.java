package io.ledgerline.broker.admin;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * DeleteTopics (v1-6): by name (v1-5 {@code topicNames}; v6 entries with a name and a zero id) or by topic
 * id (v6). Unknown name: UNKNOWN_TOPIC_OR_PARTITION; unknown id: UNKNOWN_TOPIC_ID. As in Kafka's controller:
 * a v6 entry with both or neither of name and id, or a name or id given twice, is INVALID_REQUEST. Each
 * answer carries both the name and the id when they are known (the AdminClient matches on the one it sent).
 * Deletion is immediate: the metadata record first (durable), then the partition directories.
 */
public final class DeleteTopicsHandler implements ApiHandler {
    private final TopicRegistry topics;
    private final PartitionResolver resolver;

    public DeleteTopicsHandler(TopicRegistry topics) {
        this.topics = topics;
        this.resolver = new PartitionResolver(topics);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        DeleteTopicsRequestData req = request.body(DeleteTopicsRequest.class).data();
        DeleteTopicsResponseData data = new DeleteTopicsResponseData();
        List<String> names = new ArrayList<>();
        List<Uuid> ids = new ArrayList<>();
        if (request.version() < 6) {
            names.addAll(req.topicNames());
        } else {
            for (DeleteTopicState t : req.topics()) {
                boolean hasId = t.topicId() != null && !t.topicId().equals(Uuid.ZERO_UUID);
                if (t.name() == null && !hasId) {
                    add(data, null, Uuid.ZERO_UUID, new ApiError(Errors.INVALID_REQUEST, "Neither topic name nor id were specified."));
                } else if (t.name() != null && hasId) {
                    add(data, t.name(), t.topicId(), new ApiError(Errors.INVALID_REQUEST, "You may not specify both topic name and topic id."));
                } else if (hasId) {
                    ids.add(t.topicId());
                } else {
                    names.add(t.name());
                }
            }
        }
        Set<String> dupNames = duplicates(names);
        Set<Uuid> dupIds = duplicates(ids);
        for (String n : dupNames) add(data, n, Uuid.ZERO_UUID, new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name."));
        for (Uuid id : dupIds) add(data, null, id, new ApiError(Errors.INVALID_REQUEST, "Duplicate topic id."));
        // A name and an id of the same topic: both INVALID_REQUEST (Kafka answers the name so, and the id not at all).
        Set<Uuid> idsOfNames = new HashSet<>();
        for (String name : names) {
            PartitionResolver.Resolved e = resolver.topic(name);
            if (e.found() && !dupNames.contains(name)) idsOfNames.add(e.entry().topic().id());
        }
        for (String name : names) {
            if (dupNames.contains(name)) continue;
            PartitionResolver.Resolved e = resolver.topic(name);
            Uuid id = e.found() ? e.entry().topic().id() : Uuid.ZERO_UUID;
            if (e.found() && ids.contains(id)) {
                add(data, name, id, new ApiError(Errors.INVALID_REQUEST, "The provided topic name maps to an ID that was already supplied."));
                continue;
            }
            add(data, name, id, delete(name, () -> new UnknownTopicOrPartitionException("Topic '" + name + "' does not exist.")));
        }
        for (Uuid id : ids) {
            if (dupIds.contains(id)) continue;
            if (idsOfNames.contains(id)) {
                add(data, null, id, new ApiError(Errors.INVALID_REQUEST, "The topic id " + id + " was also given by name."));
                continue;
            }
            PartitionResolver.Resolved e = resolver.topic(id);
            if (!e.found()) {
                add(data, null, id, new ApiError(e.error(), "Topic id " + id + " does not exist."));
            } else {
                String name = e.entry().topic().name();
                add(data, name, id, delete(name, () -> new UnknownTopicIdException("Topic id " + id + " does not exist.")));
            }
        }
        return ApiHandler.done(new DeleteTopicsResponse(data));
    }

    private ApiError delete(String name, Supplier<ApiException> unknown) {
        try {
            topics.delete(name);
            return ApiError.NONE;
        } catch (UnknownTopicOrPartitionException gone) { // never existed, or deleted concurrently
            return ApiError.fromThrowable(unknown.get());
        } catch (RuntimeException e) {
            return AdminErrors.of(e);
        }
    }

    private static void add(DeleteTopicsResponseData data, String name, Uuid id, ApiError e) {
        data.responses().add(new DeletableTopicResult().setName(name).setTopicId(id)
                .setErrorCode(e.error().code()).setErrorMessage(e.message()));
    }

    private static <T> Set<T> duplicates(List<T> items) {
        Set<T> seen = new HashSet<>();
        Set<T> dup = new HashSet<>();
        for (T t : items) if (!seen.add(t)) dup.add(t);
        return dup;
    }
}

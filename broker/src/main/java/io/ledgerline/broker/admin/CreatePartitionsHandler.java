package io.ledgerline.broker.admin;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.topic.PartitionResolver;
import io.ledgerline.broker.topic.TopicRegistry;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * CreatePartitions (v0-3): raises a topic's partition count. Kafka's controller checks, in its order: unknown
 * topic (UNKNOWN_TOPIC_OR_PARTITION); a count equal to or below the current one (INVALID_PARTITIONS); an
 * assignment list whose length is not the number of new partitions, or that places a replica anywhere but
 * this node (INVALID_REPLICA_ASSIGNMENT). validateOnly stops after the checks. A name given twice is
 * INVALID_REQUEST. Existing partitions keep their logs; new ones start empty with the topic's config.
 */
public final class CreatePartitionsHandler implements ApiHandler {
    private final TopicRegistry topics;
    private final PartitionResolver resolver;
    private final Placement placement;

    public CreatePartitionsHandler(TopicRegistry topics, int nodeId) {
        this.topics = topics;
        this.resolver = new PartitionResolver(topics);
        this.placement = new Placement(nodeId);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        CreatePartitionsRequestData req = request.body(CreatePartitionsRequest.class).data();
        CreatePartitionsResponseData data = new CreatePartitionsResponseData();
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatePartitionsTopic t : req.topics()) {
            if (!seen.add(t.name())) duplicates.add(t.name());
        }
        for (CreatePartitionsTopic t : req.topics()) {
            if (duplicates.contains(t.name())) continue;
            ApiError e;
            try {
                check(t);
                if (!req.validateOnly()) topics.addPartitions(t.name(), t.count());
                e = ApiError.NONE;
            } catch (RuntimeException ex) {
                e = AdminErrors.of(ex);
            }
            data.results().add(result(t.name(), e));
        }
        for (String name : duplicates) {
            data.results().add(result(name, new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name.")));
        }
        return ApiHandler.done(new CreatePartitionsResponse(data));
    }

    private void check(CreatePartitionsTopic t) {
        PartitionResolver.Resolved resolved = resolver.topic(t.name());
        if (!resolved.found()) throw resolved.error().exception("Topic '" + t.name() + "' does not exist.");
        TopicRegistry.Entry e = resolved.entry();
        int current = e.topic().partitions();
        if (t.count() == current) {
            throw new InvalidPartitionsException("Topic already has " + current + " partition(s).");
        }
        if (t.count() < current) {
            throw new InvalidPartitionsException("The topic " + t.name() + " currently has " + current + " partition(s); "
                    + t.count() + " would not be an increase.");
        }
        int additional = t.count() - current;
        Placement.checkCreatedCount(t.name(), additional);
        if (t.assignments() != null) {
            if (t.assignments().size() != additional) {
                throw new InvalidReplicaAssignmentException("Attempted to add " + additional
                        + " additional partition(s), but only " + t.assignments().size() + " assignment(s) were specified.");
            }
            for (CreatePartitionsAssignment a : t.assignments()) placement.checkAssignment(a.brokerIds());
        }
    }

    private static CreatePartitionsTopicResult result(String name, ApiError e) {
        return new CreatePartitionsTopicResult().setName(name).setErrorCode(e.error().code()).setErrorMessage(e.message());
    }
}

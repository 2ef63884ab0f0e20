package io.ledgerline.broker.txn;

import io.ledgerline.broker.protocol.ApiHandler;
import io.ledgerline.broker.protocol.KafkaRequest;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.requests.ListTransactionsResponse;

import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * ListTransactions: the transactional ids passing every filter (state names, producer ids, v1's minimum
 * duration since the latest transaction's start, v2's regular expression; see
 * {@link TransactionCoordinator#list}). A state name Kafka does not know (names are case-sensitive, as Kafka's) is
 * listed in unknownStateFilters; a bad pattern is INVALID_REGULAR_EXPRESSION. Patterns are RE2/J (linear time, as
 * Kafka uses for client regexes): a client's pattern cannot make the broker backtrack for ever.
 */
public final class ListTransactionsHandler implements ApiHandler {
    private final TransactionCoordinator coordinator;

    public ListTransactionsHandler(TransactionCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
        ListTransactionsRequestData req = request.body(ListTransactionsRequest.class).data();
        ListTransactionsResponseData data = new ListTransactionsResponseData();
        Pattern pattern = null;
        if (req.transactionalIdPattern() != null && !req.transactionalIdPattern().isEmpty()) {
            try {
                pattern = Pattern.compile(req.transactionalIdPattern());
            } catch (PatternSyntaxException e) {
                return ApiHandler.done(new ListTransactionsResponse(data.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code())));
            }
        }
        for (String s : req.stateFilters()) {
            if (!TransactionState.isKafkaName(s)) data.unknownStateFilters().add(s);
        }
        List<TransactionCoordinator.Listed> listed = coordinator.list(new HashSet<>(req.stateFilters()),
                new HashSet<>(req.producerIdFilters()), req.durationFilter(), pattern);
        for (TransactionCoordinator.Listed l : listed) {
            data.transactionStates().add(new ListTransactionsResponseData.TransactionState()
                    .setTransactionalId(l.transactionalId()).setProducerId(l.producerId())
                    .setTransactionState(l.state().kafkaName()));
        }
        return ApiHandler.done(new ListTransactionsResponse(data));
    }
}

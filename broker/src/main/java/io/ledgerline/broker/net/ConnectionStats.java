package io.ledgerline.broker.net;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the requests connections parsed ({@code requests}) and of what went wrong on connections. {@code unexpectedErrors} counts failures that are bugs (a
 * handler threw something other than a Kafka ApiException, a response could not be serialized); tests and
 * the fuzzer require it to stay zero. {@code malformedRequests} counts frames that closed their connection.
 * {@code unwritableResponses} counts responses that could not be written at their request's version even after
 * shaping (each also an unexpected error; the client got UNKNOWN_SERVER_ERROR instead).
 */
public final class ConnectionStats {
    public final LongAdder requests = new LongAdder();
    public final LongAdder malformedRequests = new LongAdder();
    public final LongAdder unexpectedErrors = new LongAdder();
    public final LongAdder unwritableResponses = new LongAdder();
}

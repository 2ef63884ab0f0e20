package io.ledgerline.broker.net;

import io.ledgerline.broker.pipeline.Pipeline;
import io.ledgerline.broker.protocol.ClientConnection;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.protocol.RequestContext;
import io.ledgerline.broker.protocol.SendAdapter;
import io.ledgerline.log.Limits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One client connection: frames become {@link KafkaRequest}s, each goes through the request {@link Pipeline}
 * (authentication, version check, throttling, offload, handler: everything a request needs is there), and responses
 * are written strictly in request order even when they complete out of order (a fetch long-poll behind a produce
 * waiting for fsync). The connection stops reading when too many requests are in flight (backpressure) and while a
 * throttled response's time runs ({@link ClientConnection#muteFor}, called by the pipeline).
 *
 * <p>Threads: every field is touched only on this channel's event loop; handler completions hop back onto
 * it. A frame that cannot be parsed closes the connection (the stream is no longer trustworthy); a parsed
 * request that fails gets its API's error response with the mapped error code.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter implements ClientConnection.Control {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    private static final ListenerName LISTENER = ListenerName.forSecurityProtocol(SecurityProtocol.PLAINTEXT);

    /** A request's place in the response order; {@code messages} null until its response is ready. */
    private static final class Slot {
        List<Object> messages;
        boolean done;
    }

    private final Pipeline pipeline;
    private final LongSupplier clockMs;
    private final ConnectionStats stats;
    private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ClientConnection connection;
    /** Too many requests in flight: not reading until half of them are answered. */
    private boolean backpressured;
    /** Throttle mutes still running (each ends by itself; reading resumes when none is left). */
    private int mutes;

    ConnectionHandler(Pipeline pipeline, LongSupplier clockMs, ConnectionStats stats) {
        this.pipeline = pipeline;
        this.clockMs = clockMs;
        this.stats = stats;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        identify(ctx);
        super.channelActive(ctx);
    }

    private void identify(ChannelHandlerContext ctx) {
        InetSocketAddress remote = inet(ctx.channel().remoteAddress());
        InetSocketAddress local = inet(ctx.channel().localAddress());
        String id = local.getAddress().getHostAddress() + ":" + local.getPort() + "-"
                + remote.getAddress().getHostAddress() + ":" + remote.getPort();
        connection = new ClientConnection(id, remote.getAddress(), Optional.of(remote.getPort()), LISTENER,
                SecurityProtocol.PLAINTEXT, this);
    }

    /** Socket channels have inet addresses; in-memory test channels get loopback:0. */
    private static InetSocketAddress inet(java.net.SocketAddress a) {
        return a instanceof InetSocketAddress i ? i : new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (connection == null) identify(ctx); // handler added to an already active channel
        ByteBuffer frame;
        ByteBuf buf = (ByteBuf) msg;
        try {
            // Own heap copy: produce records stay views of this buffer and are changed in place (offsets).
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            frame = ByteBuffer.wrap(bytes);
        } finally {
            ReferenceCountUtil.release(buf);
        }
        KafkaRequest request;
        try {
            request = parse(frame);
        } catch (RuntimeException e) {
            log.info("closing connection {}: malformed request ({})", connection, e.getMessage());
            stats.malformedRequests.increment();
            ctx.close();
            return;
        }
        stats.requests.increment();
        Slot slot = new Slot();
        inFlight.addLast(slot);
        if (!backpressured && inFlight.size() >= Limits.IN_FLIGHT_REQUESTS_PER_CONNECTION) {
            backpressured = true;
            updateAutoRead();
        }
        CompletableFuture<AbstractResponse> response;
        try {
            response = pipeline.dispatch(request);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        if (response.isDone()) {
            complete(ctx, slot, request, response);
        } else {
            final CompletableFuture<AbstractResponse> r = response;
            response.whenComplete((ok, err) -> ctx.executor().execute(() -> complete(ctx, slot, request, r)));
        }
    }

    private KafkaRequest parse(ByteBuffer frame) {
        RequestHeader header = RequestHeader.parse(frame);
        org.apache.kafka.common.requests.RequestContext wire = new org.apache.kafka.common.requests.RequestContext(header,
                connection.id(), connection.clientAddress(), connection.clientPort(), connection.principal(),
                connection.listenerName(), connection.securityProtocol(), connection.clientInformation(), false);
        AbstractRequest body = wire.parseRequest(frame).request;
        if (body instanceof ApiVersionsRequest avr && !avr.hasUnsupportedRequestVersion() && avr.isValid()) {
            // The client software a connection announces (ApiVersions v3+) holds for its later requests, as in Kafka.
            connection.clientInformation(new ClientInformation(avr.data().clientSoftwareName(), avr.data().clientSoftwareVersion()));
        }
        return new KafkaRequest(header, wire, body, new RequestContext(connection, header.clientId(), clockMs.getAsLong()));
    }

    private void complete(ChannelHandlerContext ctx, Slot slot, KafkaRequest request, CompletableFuture<AbstractResponse> f) {
        assert ctx.executor().inEventLoop() : "responses are ordered on the connection's event loop";
        AbstractResponse response;
        try {
            response = f.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (!(cause instanceof org.apache.kafka.common.errors.ApiException)) {
                stats.unexpectedErrors.increment();
                log.error("{} failed", request, cause);
            }
            try {
                response = request.body().getErrorResponse(0, cause);
            } catch (RuntimeException e2) {
                // kafka-clients cannot shape an error response for this (malformed) request: drop the connection.
                log.info("closing connection {}: no error response possible for {} ({})", connection, request, e2.toString());
                stats.malformedRequests.increment();
                ctx.close();
                return;
            }
        }
        try {
            slot.messages = serialize(request, response);
        } catch (Exception e) {
            // A shaped response that still cannot be written is a bug (in a handler or the shaper): the client
            // gets the request's error response, which has no fields to get wrong, and the connection stays.
            stats.unexpectedErrors.increment();
            stats.unwritableResponses.increment();
            log.error("{}: response cannot be written at v{} ({}); answering UNKNOWN_SERVER_ERROR", request,
                    request.wireContext().apiVersion(), e.getMessage(), e);
            try {
                slot.messages = serialize(request, request.body().getErrorResponse(0, Errors.UNKNOWN_SERVER_ERROR.exception()));
            } catch (Exception e2) {
                log.error("{}: not even its error response can be written; closing connection", request, e2);
                ctx.close();
                return;
            }
        }
        slot.done = true;
        boolean wrote = false;
        while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
            for (Object m : inFlight.pollFirst().messages) {
                ctx.write(m);
                wrote = true;
            }
        }
        if (wrote) ctx.flush();
        if (backpressured && inFlight.size() < Limits.IN_FLIGHT_REQUESTS_PER_CONNECTION / 2) {
            backpressured = false;
            updateAutoRead();
        }
    }

    /**
     * The response through the pipeline's way back (throttle time, shaping for the version: {@link Pipeline#respond}),
     * framed as Netty messages; none for a null response (acks=0).
     */
    private List<Object> serialize(KafkaRequest request, AbstractResponse response) throws java.io.IOException {
        pipeline.respond(request, response);
        return response == null ? List.of() : SendAdapter.toMessages(request.wireContext().buildResponseSend(response));
    }

    /** Throttling (KIP-219): stop reading for {@code millis}; overlapping mutes end with the last of them. */
    @Override
    public void muteFor(long millis) {
        assert ctx.executor().inEventLoop() : "a connection is muted on its event loop";
        mutes++;
        updateAutoRead();
        ctx.executor().schedule(() -> {
            mutes--;
            updateAutoRead();
        }, millis, TimeUnit.MILLISECONDS);
    }

    private void updateAutoRead() {
        assert mutes >= 0 : "more mutes ended than began";
        boolean read = !backpressured && mutes == 0;
        if (ctx.channel().config().isAutoRead() != read) ctx.channel().config().setAutoRead(read);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof io.netty.handler.codec.CorruptedFrameException) {
            stats.malformedRequests.increment();
            log.info("closing connection {}: {}", connection, cause.getMessage());
        } else if (cause instanceof java.io.IOException) {
            log.debug("connection {}: {}", connection, cause.toString());
        } else {
            stats.unexpectedErrors.increment();
            log.warn("closing connection {} after an unexpected error", connection, cause);
        }
        ctx.close();
    }
}

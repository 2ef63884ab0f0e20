package io.ledgerline.broker.net;

import io.ledgerline.broker.protocol.ApiTable;
import io.ledgerline.broker.protocol.KafkaRequest;
import io.ledgerline.broker.protocol.ResponseShaper;
import io.ledgerline.broker.protocol.SendAdapter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.network.ClientInformation;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
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

/**
 * One client connection: parses each frame into a {@link KafkaRequest}, dispatches it through the
 * {@link ApiTable}, and writes responses strictly in request order even when they complete out of order
 * (a fetch long-poll behind a produce waiting for fsync).
 *
 * <p>Threads: every field is touched only on this channel's event loop; handler completions hop back onto
 * it. A frame that cannot be parsed closes the connection (the stream is no longer trustworthy); a parsed
 * request that fails gets its API's error response with the mapped error code.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
    private static final ListenerName LISTENER = ListenerName.forSecurityProtocol(SecurityProtocol.PLAINTEXT);
    /** Requests a connection may have in flight before we stop reading from it (backpressure). */
    static final int IN_FLIGHT_REQUESTS_MAX = 64;

    /** A request's place in the response order; {@code messages} null until its response is ready. */
    private static final class Slot {
        List<Object> messages;
        boolean done;
    }

    private final ApiTable table;
    private final ConnectionStats stats;
    private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
    private String connectionId;
    private InetSocketAddress remote;

    ConnectionHandler(ApiTable table, ConnectionStats stats) {
        this.table = table;
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        identify(ctx);
        super.channelActive(ctx);
    }

    private void identify(ChannelHandlerContext ctx) {
        remote = inet(ctx.channel().remoteAddress());
        InetSocketAddress local = inet(ctx.channel().localAddress());
        connectionId = local.getAddress().getHostAddress() + ":" + local.getPort() + "-"
                + remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }

    /** Socket channels have inet addresses; in-memory test channels get loopback:0. */
    private static InetSocketAddress inet(java.net.SocketAddress a) {
        return a instanceof InetSocketAddress i ? i : new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (connectionId == null) identify(ctx); // handler added to an already active channel
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
            log.info("closing connection {}: malformed request ({})", connectionId, e.getMessage());
            stats.malformedRequests.increment();
            ctx.close();
            return;
        }
        Slot slot = new Slot();
        inFlight.addLast(slot);
        if (inFlight.size() >= IN_FLIGHT_REQUESTS_MAX) ctx.channel().config().setAutoRead(false);
        CompletableFuture<AbstractResponse> response;
        try {
            response = dispatch(request);
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
        RequestContext rc = new RequestContext(header, connectionId, remote.getAddress(), Optional.of(remote.getPort()),
                KafkaPrincipal.ANONYMOUS, LISTENER, SecurityProtocol.PLAINTEXT, ClientInformation.EMPTY, false);
        AbstractRequest body = rc.parseRequest(frame).request;
        return new KafkaRequest(header, rc, body);
    }

    private CompletableFuture<AbstractResponse> dispatch(KafkaRequest request) {
        ApiKeys key = request.apiKey();
        boolean unsupportedApiVersions = request.body() instanceof ApiVersionsRequest avr && avr.hasUnsupportedRequestVersion();
        if (!unsupportedApiVersions && !table.supports(key, request.version())) {
            throw new UnsupportedVersionException(table.get(key) == null
                    ? key + " is not supported by Ledgerline"
                    : key + " version " + request.version() + " is not supported (advertised "
                    + table.get(key).minVersion() + ".." + table.get(key).maxVersion() + ")");
        }
        return table.get(key).handler().handle(request);
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
                log.info("closing connection {}: no error response possible for {} ({})", connectionId, request, e2.toString());
                stats.malformedRequests.increment();
                ctx.close();
                return;
            }
        }
        try {
            slot.messages = response == null ? List.of() : serialize(request, response);
        } catch (Exception e) {
            // A shaped response that still cannot be written is a bug (in a handler or the shaper): the client
            // gets the request's error response, which has no fields to get wrong, and the connection stays.
            stats.unexpectedErrors.increment();
            stats.unwritableResponses.increment();
            log.error("{}: response cannot be written at v{} ({}); answering UNKNOWN_SERVER_ERROR", request,
                    request.context().apiVersion(), e.getMessage(), e);
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
        if (!ctx.channel().config().isAutoRead() && inFlight.size() < IN_FLIGHT_REQUESTS_MAX / 2) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** The response shaped for the version it is written at ({@link ResponseShaper}), framed as Netty messages. */
    private static List<Object> serialize(KafkaRequest request, AbstractResponse response) throws java.io.IOException {
        ResponseShaper.shape(response.data(), request.context().apiVersion());
        return SendAdapter.toMessages(request.context().buildResponseSend(response));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException || cause instanceof io.netty.handler.codec.CorruptedFrameException) {
            stats.malformedRequests.increment();
            log.info("closing connection {}: {}", connectionId, cause.getMessage());
        } else if (cause instanceof java.io.IOException) {
            log.debug("connection {}: {}", connectionId, cause.toString());
        } else {
            stats.unexpectedErrors.increment();
            log.warn("closing connection {} after an unexpected error", connectionId, cause);
        }
        ctx.close();
    }
}

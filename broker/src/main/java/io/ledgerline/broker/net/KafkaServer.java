package io.ledgerline.broker.net;

import io.ledgerline.broker.pipeline.Pipeline;
import io.ledgerline.log.Limits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.function.LongSupplier;

/**
 * The Kafka listener: Netty with the NIO transport (its FileChannel.transferTo path is real sendfile for our
 * segment regions). Frames are 4-byte big-endian size + request; a size above socket.request.max.bytes
 * closes the connection before the body is read.
 */
public final class KafkaServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;

    private final ConnectionStats stats = new ConnectionStats();

    /**
     * Binds the listening socket, before anything else of a start happens: a port that is taken (or an address
     * not of this machine) then fails the start before the data directory is created. Connections that arrive
     * before the server takes the socket over wait in its backlog.
     */
    public static ServerSocketChannel bind(InetSocketAddress address) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true); // a restart must not wait for TIME_WAIT
            ch.bind(address, Limits.ACCEPT_BACKLOG);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Serves {@code bound} (from {@link #bind}), which it owns from now on: {@link #close()} closes it. Every request
     * goes through {@code pipeline}; {@code clockMs} (the broker's clock) stamps its arrival.
     */
    public KafkaServer(ServerSocketChannel bound, int maxFrameBytes, Pipeline pipeline, LongSupplier clockMs) throws InterruptedException {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                // The socket is bound already: register() (not bind()) makes it active and starts accepting.
                .channelFactory((io.netty.channel.ChannelFactory<NioServerSocketChannel>) () -> new NioServerSocketChannel(bound))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initPipeline(ch, maxFrameBytes, pipeline, clockMs, stats);
                    }
                });
        try {
            serverChannel = b.register().sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    /** The per-connection Netty pipeline: size-prefixed frames, then requests through the request {@code pipeline}. */
    public static void initPipeline(Channel ch, int maxFrameBytes, Pipeline pipeline, LongSupplier clockMs, ConnectionStats stats) {
        ch.pipeline()
                .addLast("frames", new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, 4, 0, 4, true))
                .addLast("requests", new ConnectionHandler(pipeline, clockMs, stats));
    }

    public ConnectionStats stats() {
        return stats;
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    public String host() {
        return ((InetSocketAddress) serverChannel.localAddress()).getAddress().getHostAddress();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}

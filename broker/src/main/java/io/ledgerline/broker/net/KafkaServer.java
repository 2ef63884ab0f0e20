package io.ledgerline.broker.net;

import io.ledgerline.broker.protocol.ApiTable;
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

import java.net.InetSocketAddress;

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

    public KafkaServer(String host, int port, int maxFrameBytes, ApiTable table) throws InterruptedException {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        initPipeline(ch, maxFrameBytes, table, stats);
                    }
                });
        try {
            serverChannel = b.bind(new InetSocketAddress(host, port)).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    /** The per-connection pipeline: size-prefixed frames, then request handling. */
    public static void initPipeline(Channel ch, int maxFrameBytes, ApiTable table, ConnectionStats stats) {
        ch.pipeline()
                .addLast("frames", new LengthFieldBasedFrameDecoder(maxFrameBytes, 0, 4, 0, 4, true))
                .addLast("requests", new ConnectionHandler(table, stats));
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

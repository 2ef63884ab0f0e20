package io.ledgerline.broker.protocol;

import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns kafka-clients' {@link Send} (size prefix, response header, body, record regions) into Netty
 * messages without copying: byte buffers are wrapped, file regions become {@link SegmentRegion}s that the
 * NIO transport sends with {@code FileChannel.transferTo} (sendfile).
 */
public final class SendAdapter {
    private SendAdapter() {}

    public static List<Object> toMessages(Send send) throws IOException {
        Collector c = new Collector();
        while (!send.completed()) send.writeTo(c);
        return c.out;
    }

    private static final class Collector implements TransferableChannel {
        final List<Object> out = new ArrayList<>(4);

        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long transferFrom(FileChannel fileChannel, long position, long count) {
            if (count > 0) out.add(new SegmentRegion(fileChannel, position, count));
            return count;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long n = 0;
            for (int i = offset; i < offset + length; i++) n += write(srcs[i]);
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            if (n > 0) {
                out.add(Unpooled.wrappedBuffer(src.duplicate()));
                src.position(src.limit());
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    /**
     * A byte range of a segment file. Unlike Netty's DefaultFileRegion it does not close the channel when
     * released: the segment owns it (and closes it only after file.delete.delay.ms once deleted).
     */
    static final class SegmentRegion extends AbstractReferenceCounted implements FileRegion {
        private final FileChannel file;
        private final long position;
        private final long count;
        private long transferred;

        SegmentRegion(FileChannel file, long position, long count) {
            this.file = file;
            this.position = position;
            this.count = count;
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        @Deprecated
        public long transfered() {
            return transferred;
        }

        @Override
        public long transferred() {
            return transferred;
        }

        @Override
        public long count() {
            return count;
        }

        @Override
        public long transferTo(WritableByteChannel target, long pos) throws IOException {
            long left = count - pos;
            if (left < 0 || pos < 0) throw new IllegalArgumentException("position " + pos + " outside 0.." + (count - 1));
            if (left == 0) return 0;
            long written = file.transferTo(position + pos, left, target);
            if (written > 0) {
                transferred += written;
            } else if (written == 0 && position + pos >= file.size()) {
                throw new IOException("segment file shrank under a send: size " + file.size() + ", wanted " + (position + count));
            }
            return written;
        }

        @Override
        protected void deallocate() {}

        @Override
        public FileRegion retain() {
            super.retain();
            return this;
        }

        @Override
        public FileRegion retain(int increment) {
            super.retain(increment);
            return this;
        }

        @Override
        public FileRegion touch() {
            return this;
        }

        @Override
        public FileRegion touch(Object hint) {
            return this;
        }
    }
}

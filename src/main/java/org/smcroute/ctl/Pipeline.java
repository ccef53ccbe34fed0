package org.smcroute.ctl;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;

/**
 * Batch mode's requests in flight. Every line still has its own connection, but the next line's
 * connection is opened and its request written before the previous reply has been read, up to
 * {@link #WINDOW} of them; the replies are read, and reported, in line order. Waiting for each
 * reply first would cost a full round trip per line (doc/benchmarks.md).
 *
 * <p>The order of execution stays the order of the lines: each request is written in full
 * before the next connection is made, so it is already waiting when the daemon accepts the
 * later one. The daemon serves connections in accept order (daemon.IpcServer), and the original
 * daemon, one connection at a time from its listen queue, does too.
 *
 * <p>Only requests that answer with nothing but an error text go through here (add, remove,
 * join, leave); {@link Main} empties the pipeline before anything else, so every message still
 * appears in line order.
 */
final class Pipeline {

    /** Connections open at most. The daemon keeps a 5 s read timeout per connection, far away. */
    static final int WINDOW = 64;

    private final ArrayDeque<SocketChannel> inFlight = new ArrayDeque<>();

    boolean isEmpty() {
        return inFlight.isEmpty();
    }

    boolean isFull() {
        return inFlight.size() >= WINDOW;
    }

    /**
     * Connects and writes {@code request} without waiting for the reply. False, with nothing
     * printed, when that did not work: the caller then empties the pipeline and sends the line
     * the ordinary way, which retries and reports the failure as for a single command.
     */
    boolean send(Path socket, byte[] request) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer b = ByteBuffer.wrap(request);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException | RuntimeException e) {
            Connection.close(ch);
            return false;
        }
        inFlight.add(ch);
        return true;
    }

    /**
     * The reply of the oldest request in flight (possibly empty), or null after printing why it
     * could not be read, exactly as {@link Connection#exchange} does.
     */
    byte[] receive(PrintStream err) {
        SocketChannel ch = inFlight.remove();
        try (ch) {
            return Connection.readReply(ch);
        } catch (IOException e) {
            err.println("smcroutectl: Failed communicating with daemon: " + Connection.reason(e));
            return null;
        }
    }
}

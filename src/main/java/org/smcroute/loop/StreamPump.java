package org.smcroute.loop;

import org.smcroute.kernel.KernelException;
import org.smcroute.sys.Poller;
import org.smcroute.sys.SocketConnection;

/**
 * Sends a {@link Stream} over a non-blocking connection from the event loop. It writes while
 * the socket takes data, at most {@link #TURN} bytes per turn so that one fast reader of a big
 * reply cannot hold the loop, then waits for POLLOUT; while the stream has nothing ready it
 * waits for the stream's wake-up, watching the connection only for a hang-up. A peer that
 * takes nothing for {@link #TIMEOUT_NANOS} while data is waiting has timed out; the owner's
 * sweep asks {@link #expired}.
 */
public final class StreamPump {

    public static final long TIMEOUT_NANOS = 5_000_000_000L;
    /** Bytes written per turn before the other descriptors get theirs. */
    static final int TURN = 64 << 10;

    /** What the owner of the connection does when the stream ends. */
    public interface Owner {
        /** The stream is complete and sent; the connection is the owner's again. */
        void finished();

        /** The connection must end now: the peer is gone or the stream was cut short. */
        void failed();
    }

    private final EventLoop loop;
    private final SocketConnection sock;
    private final Stream stream;
    private final EventLoop.Handler handler;
    private final Owner owner;
    private byte[] piece;
    private int pos;
    private boolean waiting;
    private boolean ended;
    private long deadline;

    /** {@code handler} is the connection's own, registered again for each wait. */
    public StreamPump(EventLoop loop, SocketConnection sock, Stream stream, EventLoop.Handler handler, Owner owner) {
        this.loop = loop;
        this.sock = sock;
        this.stream = stream;
        this.handler = handler;
        this.owner = owner;
    }

    /** Opens the stream; the first piece goes out on the next loop round, never from inside this call. */
    public void start() {
        deadline = System.nanoTime() + TIMEOUT_NANOS;
        loop.register(sock.fd(), Poller.POLLOUT, handler);
        stream.open(this::wakeUp);
    }

    private void wakeUp() {
        if (!waiting || ended) {
            return;
        }
        waiting = false;
        deadline = System.nanoTime() + TIMEOUT_NANOS;
        loop.register(sock.fd(), Poller.POLLOUT, handler);
    }

    /** The connection's descriptor is ready: writable, or hung up while the stream waits. */
    public void ready(int revents) {
        if (ended) {
            return;
        }
        if (waiting) {
            if ((revents & (Poller.POLLHUP | Poller.POLLERR | Poller.POLLNVAL)) != 0) {
                fail();
            }
            return;
        }
        int sent = 0;
        while (sent < TURN) {
            if (piece == null || pos == piece.length) {
                byte[] b = stream.next();
                if (b == null) {
                    ended = true;
                    owner.finished();
                    return;
                }
                if (b == Stream.ABORT) {
                    ended = true;
                    owner.failed();
                    return;
                }
                if (b == Stream.WAIT) {
                    // only hang-ups wake a descriptor polled for no events
                    waiting = true;
                    loop.register(sock.fd(), (short) 0, handler);
                    return;
                }
                piece = b;
                pos = 0;
                continue;
            }
            int n;
            try {
                n = sock.write(piece, pos, piece.length - pos);
            } catch (KernelException e) {
                fail();
                return;
            }
            if (n < 0) {
                break;
            }
            pos += n;
            sent += n;
            deadline = System.nanoTime() + TIMEOUT_NANOS;
        }
        loop.register(sock.fd(), Poller.POLLOUT, handler);
    }

    private void fail() {
        ended = true;
        stream.close(false);
        owner.failed();
    }

    /** Data has waited for the peer longer than the timeout. */
    public boolean expired(long now) {
        return !ended && !waiting && now - deadline > 0;
    }

    /** The connection ends (timeout, shutdown) before the stream did. */
    public void close(boolean timedOut) {
        if (!ended) {
            ended = true;
            stream.close(timedOut);
        }
    }
}

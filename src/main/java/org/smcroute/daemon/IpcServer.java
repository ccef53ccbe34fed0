package org.smcroute.daemon;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.smcroute.ipc.Action;
import org.smcroute.ipc.Decoded;
import org.smcroute.ipc.Wire;
import org.smcroute.kernel.KernelException;
import org.smcroute.log.Log;
import org.smcroute.loop.EventLoop;
import org.smcroute.loop.Stream;
import org.smcroute.loop.StreamPump;
import org.smcroute.sys.Poller;
import org.smcroute.sys.SocketConnection;
import org.smcroute.sys.UnixServer;
import org.smcroute.text.Bytes;

/**
 * The daemon side of the control socket (SPEC §14.5): non-blocking accept, read and write on the
 * event loop, any number of clients, 5-second timeouts, requests executed one at a time in
 * arrival order. A silent or slow client can only ever stall its own connection.
 */
final class IpcServer {

    /** Executes one request on the state thread; {@code flags} are the request's header flags. */
    interface Executor {
        Reply execute(Action action, int flags);
    }

    /**
     * A reply: the text (without the trailing NUL) and an action to run once it was sent, or a
     * {@link Stream} sent as it is made and then ended with the NUL: a big show reply in pieces,
     * a reply that is not ready yet (a reload the client waits for, the doctor's sample), the
     * metrics, the event stream. While a stream is sent, the connection reads no further
     * requests, and while it waits for the stream it has no timeout (a hang-up still ends it).
     */
    record Reply(String text, Runnable afterSend, Stream stream) {
        Reply(String text, Runnable afterSend) {
            this(text, afterSend, null);
        }

        static Reply of(String text) {
            return new Reply(text, null);
        }

        static Reply of(Stream stream) {
            return new Reply(null, null, stream);
        }
    }

    static final long TIMEOUT_NANOS = 5_000_000_000L;
    private static final int MAX = Wire.MAX_SIZE;
    /** Requests served from one connection before the others get a turn. */
    static final int TURN = 32;

    private static final byte[] NUL = {0};
    /** Replies up to this size are sent with their NUL in one write. */
    private static final int SHORT_REPLY = 4096;

    private final EventLoop loop;
    private final UnixServer server;
    private final Log log;
    private final Executor executor;
    private final List<Conn> conns = new ArrayList<>();
    private final EventLoop.Timer sweeper;

    IpcServer(EventLoop loop, UnixServer server, Log log, Executor executor) {
        this.loop = loop;
        this.server = server;
        this.log = log;
        this.executor = executor;
        loop.register(server.fd(), Poller.POLLIN, r -> acceptAll());
        this.sweeper = loop.every(250, this::sweepTimeouts);
    }

    private final class Conn {
        final SocketConnection sock;
        final byte[] in = new byte[MAX + 1];
        int inLen;
        byte[] out;
        int outPos;
        boolean nulPending;
        Runnable afterSend;
        /** Sends a streamed reply; null otherwise. */
        StreamPump pump;
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        boolean closeAfterWrite;
        /** Gave up its turn with requests still to serve; POLLOUT brings it back. */
        boolean yielded;
        boolean closed;

        Conn(SocketConnection sock) {
            this.sock = sock;
        }
    }

    /**
     * Registers every waiting connection; they are served from the next poll round on, in accept
     * order (the loop dispatches in registration order). That is arrival order for a client that
     * writes each request before it opens the next connection, as {@code smcroutectl -b} does
     * with several connections open (SPEC §14.5): the earlier request is already waiting when the
     * later connection is accepted. Serving a new connection right here would break that, since
     * an older one may be ready in this very round.
     */
    private void acceptAll() {
        while (true) {
            SocketConnection c;
            try {
                c = server.accept();
            } catch (KernelException e) {
                log.warn("Failed accepting IPC client: " + e.reason());
                return;
            }
            if (c == null) {
                return;
            }
            Conn conn = new Conn(c);
            conns.add(conn);
            loop.register(c.fd(), Poller.POLLIN, r -> onReady(conn, r));
        }
    }

    private void onReady(Conn c, int revents) {
        if (c.closed) {
            return; // closed earlier in the same poll round
        }
        if (c.pump != null) {
            c.pump.ready(revents);
            return;
        }
        if (c.out != null) {
            if ((revents & (Poller.POLLOUT | Poller.POLLERR | Poller.POLLHUP)) != 0 && flush(c) && next(c)) {
                serve(c, false);
            }
            return;
        }
        if (c.yielded) {
            // our turn again after letting other connections run (see serve)
            c.yielded = false;
            loop.register(c.sock.fd(), Poller.POLLIN, r -> onReady(c, r));
            if (c.inLen > 0 || fill(c)) {
                serve(c, false);
            } else {
                close(c);
            }
            return;
        }
        readAvailable(c);
    }

    private void readAvailable(Conn c) {
        boolean eof = false;
        while (c.inLen < c.in.length) {
            int n;
            try {
                n = c.sock.read(c.in, c.inLen, c.in.length - c.inLen);
            } catch (KernelException e) {
                close(c);
                return;
            }
            if (n < 0) {
                break;
            }
            if (n == 0) {
                if (c.inLen == 0) {
                    close(c);
                    return;
                }
                // the peer half-closed after a partial request: answer what we can
                eof = true;
                break;
            }
            c.inLen += n;
        }
        serve(c, eof);
    }

    /**
     * Answers the buffered requests in order until one is incomplete, a reply has to wait for
     * the socket, or the connection ends. A loop, not a recursion, so a long pipelined stream
     * cannot exhaust the stack; after {@link #TURN} requests it yields to the other connections.
     */
    private void serve(Conn c, boolean eof) {
        for (int served = 0; ; served++) {
            if (served == TURN) {
                // POLLOUT is as good as immediate on a connected socket: a fair "call me again"
                c.yielded = true;
                loop.register(c.sock.fd(), Poller.POLLOUT, r -> onReady(c, r));
                return;
            }
            if (!process(c, eof)) {
                return;
            }
            if (c.pump != null) {
                c.pump.start(); // the pump sends the stream, then hands the connection back
                return;
            }
            if (!flush(c) || !next(c)) {
                return;
            }
        }
    }

    /** A streamed reply went out: its NUL follows, then the connection goes on as after any reply. */
    private void streamFinished(Conn c) {
        c.pump = null;
        prepare(c, Reply.of(""));
        if (flush(c) && next(c)) {
            serve(c, false);
        }
    }

    /**
     * After a reply went out completely: closes after an error reply, or when no bytes of another
     * request are buffered or waiting in the socket (SPEC §14.5); else restarts the read timeout.
     *
     * @return true when the connection goes on with the buffered bytes
     */
    private boolean next(Conn c) {
        if (c.closeAfterWrite || (c.inLen == 0 && !fill(c))) {
            close(c);
            return false;
        }
        c.deadline = System.nanoTime() + TIMEOUT_NANOS;
        loop.register(c.sock.fd(), Poller.POLLIN, r -> onReady(c, r));
        return true;
    }

    /** Reads what is waiting into the empty buffer, without blocking; false if nothing (or EOF). */
    private boolean fill(Conn c) {
        try {
            int n = c.sock.read(c.in, 0, c.in.length);
            if (n > 0) {
                c.inLen = n;
                return true;
            }
        } catch (KernelException e) {
            // reset by the peer: nothing more to serve
        }
        return false;
    }

    /**
     * Decodes the buffered bytes and prepares the reply of a complete or malformed request in
     * {@code c.out}; false when more bytes are needed (or the connection was closed at EOF).
     */
    private boolean process(Conn c, boolean eof) {
        Decoded d = Wire.decode(c.in, 0, c.inLen);
        // instanceof, not a pattern switch (start-up rule, see the README)
        Action action = d instanceof Decoded.Complete m ? Action.of(m.request()) : null;
        String error = d instanceof Decoded.Malformed m ? m.error()
                : action instanceof Action.Refused r && r.malformed() ? r.error() : null;
        if (d instanceof Decoded.NeedMore) {
            if (eof) {
                close(c);
            }
            return false;
        }
        if (d instanceof Decoded.Complete done) {
            System.arraycopy(c.in, done.consumed(), c.in, 0, c.inLen - done.consumed());
            c.inLen -= done.consumed();
        }
        if (error != null) {
            // a malformed request gets its error text, then the connection is closed (§14.6)
            log.warn(error);
            c.inLen = 0;
            c.closeAfterWrite = true;
            prepare(c, Reply.of(error));
            return true;
        }
        Reply reply;
        try {
            reply = executor.execute(action, ((Decoded.Complete) d).request().flags());
        } catch (RuntimeException e) {
            log.err("Internal error executing IPC request: " + e);
            reply = Reply.of("Internal error: " + e.getClass().getSimpleName());
        }
        prepare(c, reply);
        return true;
    }

    private void prepare(Conn c, Reply reply) {
        c.afterSend = reply.afterSend();
        c.deadline = System.nanoTime() + TIMEOUT_NANOS;
        if (reply.stream() != null) {
            c.pump = new StreamPump(loop, c.sock, reply.stream(), r -> onReady(c, r), new StreamPump.Owner() {
                @Override
                public void finished() {
                    streamFinished(c);
                }

                @Override
                public void failed() {
                    close(c);
                }
            });
            return;
        }
        // A big reply is not copied again for its terminating NUL, which then goes out as its
        // own write; a short reply (most are empty) takes one write with the NUL.
        byte[] b = Bytes.encode(reply.text());
        c.nulPending = b.length > SHORT_REPLY;
        c.out = c.nulPending ? b : b.length == 0 ? NUL : Arrays.copyOf(b, b.length + 1);
        c.outPos = 0;
    }

    /**
     * Writes as much of the pending reply as the socket takes. True when all of it went out;
     * false when the rest waits for POLLOUT or the connection was closed (EPIPE/ECONNRESET).
     */
    private boolean flush(Conn c) {
        if (c.closed || c.out == null) {
            return false;
        }
        while (c.outPos < c.out.length || c.nulPending) {
            if (c.outPos == c.out.length) {
                c.out = NUL;
                c.outPos = 0;
                c.nulPending = false;
            }
            int n;
            try {
                n = c.sock.write(c.out, c.outPos, c.out.length - c.outPos);
            } catch (KernelException e) {
                // EPIPE/ECONNRESET: the client went away; only its connection ends
                c.out = null;
                runAfterSend(c);
                close(c);
                return false;
            }
            if (n < 0) {
                loop.register(c.sock.fd(), Poller.POLLOUT, r -> onReady(c, r));
                return false;
            }
            c.outPos += n;
        }
        c.out = null;
        runAfterSend(c);
        return true;
    }

    private static void runAfterSend(Conn c) {
        Runnable r = c.afterSend;
        c.afterSend = null;
        if (r != null) {
            r.run();
        }
    }

    private void sweepTimeouts() {
        long now = System.nanoTime();
        for (Conn c : new ArrayList<>(conns)) {
            if (c.pump != null) {
                if (c.pump.expired(now)) {
                    c.pump.close(true);
                    close(c);
                }
                continue;
            }
            if (now - c.deadline > 0) {
                if (c.out == null) {
                    log.info("IPC client timed out.");
                }
                close(c);
            }
        }
    }

    private void close(Conn c) {
        if (c.pump != null) {
            c.pump.close(false);
        }
        c.closed = true;
        if (conns.remove(c)) {
            loop.unregister(c.sock.fd());
            c.sock.close();
        }
    }

    /** Closes every connection and the listening socket (which unlinks its path). */
    void close() {
        sweeper.cancel();
        for (Conn c : new ArrayList<>(conns)) {
            close(c);
        }
        loop.unregister(server.fd());
        server.close();
    }
}

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
import org.smcroute.show.Pieces;
import org.smcroute.loop.EventLoop;
import org.smcroute.sys.Poller;
import org.smcroute.sys.UnixConnection;
import org.smcroute.sys.UnixServer;
import org.smcroute.text.Bytes;

/**
 * The daemon side of the control socket (SPEC §14.5): non-blocking accept, read and write on the
 * event loop, any number of clients, 5-second timeouts, requests executed one at a time in
 * arrival order. A silent or slow client can only ever stall its own connection.
 */
final class IpcServer {

    /**
     * Executes one request on the state thread. Returns the reply, or null when the reply comes
     * later through {@code later} (a reload the client waits for); the connection then waits,
     * without a timeout and without reading further requests.
     */
    interface Executor {
        Reply execute(Action action, int flags, Responder later);
    }

    /** Delivers a reply that was not ready when the request was executed. */
    interface Responder {
        void reply(Reply reply);
    }

    /**
     * A reply: the text (without the trailing NUL), or its {@link Pieces} for a big one, and an
     * action to run once it was sent.
     */
    record Reply(String text, Runnable afterSend, Pieces pieces) {
        Reply(String text, Runnable afterSend) {
            this(text, afterSend, null);
        }

        static Reply of(String text) {
            return new Reply(text, null);
        }

        static Reply of(Pieces pieces) {
            return new Reply(null, null, pieces);
        }
    }

    static final long TIMEOUT_NANOS = 5_000_000_000L;
    private static final int MAX = Wire.MAX_SIZE;
    /** Requests served from one connection before the others get a turn. */
    static final int TURN = 32;

    private static final byte[] NUL = {0};
    private static final byte[] NONE = {};
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
        final UnixConnection sock;
        final byte[] in = new byte[MAX + 1];
        int inLen;
        byte[] out;
        int outPos;
        boolean nulPending;
        Runnable afterSend;
        /** The rest of a reply made in pieces, or null. */
        Pieces pieces;
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        boolean closeAfterWrite;
        /** Gave up its turn with requests still to serve; POLLOUT brings it back. */
        boolean yielded;
        /** Its request is answered later (see {@link Executor}). */
        boolean waiting;
        boolean closed;

        Conn(UnixConnection sock) {
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
            UnixConnection c;
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
        if (c.out != null) {
            if ((revents & (Poller.POLLOUT | Poller.POLLERR | Poller.POLLHUP)) != 0) {
                if (c.outPos == c.out.length && c.pieces != null && !nextPiece(c)) {
                    return;
                }
                if (flush(c) && next(c)) {
                    serve(c, false);
                }
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
            if (!flush(c) || !next(c)) {
                return;
            }
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
            c.waiting = true;
            reply = executor.execute(action, ((Decoded.Complete) d).request().flags(), r -> answerLater(c, r));
        } catch (RuntimeException e) {
            log.err("Internal error executing IPC request: " + e);
            reply = Reply.of("Internal error: " + e.getClass().getSimpleName());
        }
        if (reply == null) {
            // no timeout while the daemon works on it; a hang-up still ends the connection
            c.deadline = System.nanoTime() + Long.MAX_VALUE / 2;
            loop.register(c.sock.fd(), (short) 0, r -> close(c));
            return false;
        }
        c.waiting = false;
        prepare(c, reply);
        return true;
    }

    /** The reply of a request that {@link #process} left waiting; sent, then serving goes on. */
    private void answerLater(Conn c, Reply r) {
        if (c.closed || !c.waiting) {
            return;
        }
        c.waiting = false;
        prepare(c, r);
        if (flush(c) && next(c)) {
            serve(c, false);
        }
    }

    private void prepare(Conn c, Reply reply) {
        c.afterSend = reply.afterSend();
        c.deadline = System.nanoTime() + TIMEOUT_NANOS;
        if (reply.pieces() != null) {
            c.pieces = reply.pieces();
            c.out = NONE;
            c.outPos = 0;
            c.nulPending = false;
            nextPiece(c);
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
     * Makes the next piece of a reply in pieces the bytes to write; after the last one the NUL
     * follows. False when making it failed, which ends the connection.
     */
    private boolean nextPiece(Conn c) {
        StringBuilder sb = new StringBuilder(Pieces.SIZE + 256);
        try {
            if (!c.pieces.next(sb)) {
                c.pieces = null;
                c.nulPending = true;
            }
        } catch (RuntimeException e) {
            log.err("Internal error making a reply: " + e);
            c.out = null;
            close(c);
            return false;
        }
        c.out = Bytes.encode(sb.toString());
        c.outPos = 0;
        c.deadline = System.nanoTime() + TIMEOUT_NANOS;
        return true;
    }

    /**
     * Writes as much of the pending reply as the socket takes. True when all of it went out;
     * false when the rest waits for POLLOUT or the connection was closed (EPIPE/ECONNRESET).
     */
    private boolean flush(Conn c) {
        if (c.closed || c.out == null) {
            return false;
        }
        while (c.outPos < c.out.length || c.nulPending || c.pieces != null) {
            if (c.outPos == c.out.length && c.pieces != null) {
                // the next piece is made in a later poll round: other work gets its turn first
                loop.register(c.sock.fd(), Poller.POLLOUT, r -> onReady(c, r));
                return false;
            }
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
            if (now - c.deadline > 0) {
                if (c.out == null) {
                    log.info("IPC client timed out.");
                }
                close(c);
            }
        }
    }

    private void close(Conn c) {
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

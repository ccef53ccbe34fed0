package org.smcroute.observe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.smcroute.kernel.KernelException;
import org.smcroute.log.Log;
import org.smcroute.loop.EventLoop;
import org.smcroute.loop.Stream;
import org.smcroute.loop.StreamPump;
import org.smcroute.sys.Poller;
import org.smcroute.sys.SocketConnection;
import org.smcroute.sys.TcpServer;

/**
 * The metrics over HTTP ({@code smcrouted --metrics-listen ADDR:PORT}): a minimal HTTP/1.1
 * responder on the event loop rather than the JDK's HTTP server, which would bring its own
 * threads (that must not touch daemon state), a module in the runtime and memory the daemon
 * otherwise does without. {@code GET /metrics} answers 200 with a scrape; any other request
 * 404; a request that cannot be parsed 400. One request per connection. Bounded like the IPC
 * socket: {@link #MAX_CONNECTIONS} at once, an {@link #MAX_HEAD}-byte request head that must
 * arrive within 5 seconds, and 5 seconds without progress while sending, so neither a
 * malformed nor a slow client can cost the daemon more than one connection's worth.
 */
public final class HttpEndpoint {

    static final int MAX_CONNECTIONS = 16;
    static final int MAX_HEAD = 8192;

    private static final byte[] NOT_FOUND = response("404 Not Found", "Not Found\n");
    private static final byte[] BAD_REQUEST = response("400 Bad Request", "Bad Request\n");
    private static final byte[] OK_HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: " + Exposition.CONTENT_TYPE
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final EventLoop loop;
    private final TcpServer server;
    private final Log log;
    private final Metrics metrics;
    private final List<Conn> conns = new ArrayList<>();
    private final EventLoop.Timer sweeper;

    private static final class Conn {
        final SocketConnection sock;
        final byte[] head = new byte[MAX_HEAD];
        int len;
        long deadline = System.nanoTime() + StreamPump.TIMEOUT_NANOS;
        StreamPump pump;

        Conn(SocketConnection sock) {
            this.sock = sock;
        }
    }

    public HttpEndpoint(EventLoop loop, TcpServer server, Log log, Metrics metrics) {
        this.loop = loop;
        this.server = server;
        this.log = log;
        this.metrics = metrics;
        loop.register(server.fd(), Poller.POLLIN, r -> acceptAll());
        this.sweeper = loop.every(250, this::sweepTimeouts);
    }

    private static byte[] response(String status, String body) {
        return ("HTTP/1.1 " + status + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    private void acceptAll() {
        while (true) {
            SocketConnection s;
            try {
                s = server.accept();
            } catch (KernelException e) {
                log.warn("Failed accepting metrics client: " + e.reason());
                return;
            }
            if (s == null) {
                return;
            }
            if (conns.size() >= MAX_CONNECTIONS) {
                log.debug("Too many metrics clients, closing a new one");
                s.close();
                continue;
            }
            Conn c = new Conn(s);
            conns.add(c);
            loop.register(s.fd(), Poller.POLLIN, r -> onReady(c, r));
        }
    }

    private void onReady(Conn c, int revents) {
        if (c.pump != null) {
            c.pump.ready(revents);
            return;
        }
        while (c.len < MAX_HEAD) {
            int n;
            try {
                n = c.sock.read(c.head, c.len, MAX_HEAD - c.len);
            } catch (KernelException e) {
                close(c);
                return;
            }
            if (n < 0) {
                return; // the rest of the head has not arrived yet
            }
            if (n == 0) {
                close(c);
                return;
            }
            c.len += n;
            if (headEnd(c) >= 0) {
                respond(c, requestLine(c));
                return;
            }
        }
        respond(c, null);
    }

    /** Index after the blank line that ends the head, or -1. */
    private static int headEnd(Conn c) {
        for (int i = 0; i < c.len; i++) {
            if (c.head[i] == '\n' && ((i >= 1 && c.head[i - 1] == '\n')
                    || (i >= 2 && c.head[i - 1] == '\r' && c.head[i - 2] == '\n'))) {
                return i + 1;
            }
        }
        return -1;
    }

    private static String requestLine(Conn c) {
        int eol = 0;
        while (eol < c.len && c.head[eol] != '\n') {
            eol++;
        }
        if (eol > 0 && c.head[eol - 1] == '\r') {
            eol--;
        }
        return new String(c.head, 0, eol, StandardCharsets.ISO_8859_1);
    }

    /** Answers the request ({@code line} null: the head was too long) and sends the reply. */
    private void respond(Conn c, String line) {
        String[] w = line == null ? new String[0] : line.split(" ", -1);
        Stream reply;
        if (w.length != 3 || w[0].isEmpty() || !w[1].startsWith("/") || !w[2].startsWith("HTTP/1.")) {
            reply = Stream.of(BAD_REQUEST);
        } else {
            int q = w[1].indexOf('?');
            String path = q < 0 ? w[1] : w[1].substring(0, q);
            reply = w[0].equals("GET") && path.equals("/metrics") ? Stream.prefixed(OK_HEAD, metrics.scrape())
                    : Stream.of(NOT_FOUND);
        }
        c.pump = new StreamPump(loop, c.sock, reply, r -> onReady(c, r), new StreamPump.Owner() {
            @Override
            public void finished() {
                drain(c);
                close(c);
            }

            @Override
            public void failed() {
                close(c);
            }
        });
        c.pump.start();
    }

    /**
     * Reads what the client sent beyond its head: closing a socket with unread data makes the
     * kernel reset the connection, which could cut off the end of the reply.
     */
    private static void drain(Conn c) {
        try {
            while (c.sock.read(c.head, 0, MAX_HEAD) > 0) {
                // discard
            }
        } catch (KernelException e) {
            // the client is gone
        }
    }

    private void sweepTimeouts() {
        long now = System.nanoTime();
        for (Conn c : new ArrayList<>(conns)) {
            boolean expired = c.pump != null ? c.pump.expired(now) : now - c.deadline > 0;
            if (expired) {
                if (c.pump != null) {
                    c.pump.close(true);
                }
                close(c);
            }
        }
    }

    private void close(Conn c) {
        if (c.pump != null) {
            c.pump.close(false);
        }
        if (conns.remove(c)) {
            loop.unregister(c.sock.fd());
            c.sock.close();
        }
    }

    /** Closes every connection and the listening socket. */
    public void close() {
        sweeper.cancel();
        for (Conn c : new ArrayList<>(conns)) {
            close(c);
        }
        loop.unregister(server.fd());
        server.close();
    }
}

package org.smcroute.ctl;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One request/reply exchange with the daemon: connect, one write, read until the daemon closes. JDK
 * NIO only, since FFM would dominate the client's start-up time.
 *
 * <p>NIO reports connect failures as {@code SocketException}s carrying the strerror text, not
 * an errno, so the cases are told apart by message: {@code ConnectException}/"Connection
 * refused" is ECONNREFUSED, "Permission denied" is EACCES, and "No such file or directory" (or
 * a path that does not exist) is ENOENT. A socket file nobody listens on, or a non-socket file,
 * gives ECONNREFUSED, as in C.
 */
final class Connection {

    /** Connect attempts on ECONNREFUSED. */
    private static final int ATTEMPTS = 30;
    /**
     * The pause between them: 100 ms, or the system property {@code smcroute.ctl.retry-ms}
     * (tests shorten it), read at each connect.
     */
    private static final String RETRY_MS = "smcroute.ctl.retry-ms";

    private Connection() {
    }

    /**
     * Sends {@code request} and returns the complete reply, possibly empty. On a connect failure
     * the client's error texts (daemon not running, socket not found, no permission) go to
     * {@code err} and the result is null.
     *
     * @param explicitPath true when the path came from {@code -u}, which changes the ENOENT hint
     */
    static byte[] exchange(Path socket, boolean explicitPath, byte[] request, PrintStream err) {
        SocketChannel ch = connect(socket, explicitPath, err);
        if (ch == null) {
            return null;
        }
        try (ch) {
            ch.write(ByteBuffer.wrap(request));
            return readReply(ch);
        } catch (IOException e) {
            err.println("smcroutectl: Failed communicating with daemon: " + reason(e));
            return null;
        }
    }

    /** Takes a reply as it arrives. */
    interface Sink {
        void accept(byte[] b, int len);
    }

    /**
     * Sends {@code request} and hands the reply to {@code sink} as it arrives, so a big show
     * needs no more memory than one read. Returns the number of reply bytes, or -1 after printing
     * why it failed, as {@link #exchange} does.
     */
    static long stream(Path socket, boolean explicitPath, byte[] request, PrintStream err, Sink sink) {
        SocketChannel ch = connect(socket, explicitPath, err);
        if (ch == null) {
            return -1;
        }
        try (ch) {
            ch.write(ByteBuffer.wrap(request));
            byte[] buf = new byte[65536];
            long total = 0;
            int r;
            while ((r = ch.read(ByteBuffer.wrap(buf))) >= 0) {
                if (r > 0) {
                    sink.accept(buf, r);
                    total += r;
                }
            }
            return total;
        } catch (IOException e) {
            err.println("smcroutectl: Failed communicating with daemon: " + reason(e));
            return -1;
        }
    }

    private static SocketChannel connect(Path socket, boolean explicitPath, PrintStream err) {
        UnixDomainSocketAddress addr;
        try {
            addr = UnixDomainSocketAddress.of(socket);
        } catch (IllegalArgumentException e) {
            err.println("smcroutectl: Failed connecting to daemon: " + e.getMessage());
            return null;
        }
        for (int attempt = 1; ; attempt++) {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(addr);
                return ch;
            } catch (IOException e) {
                close(ch);
                String reason = reason(e);
                if (e instanceof ConnectException || reason.equals("Connection refused")) {
                    if (attempt < ATTEMPTS) {
                        sleep();
                        continue;
                    }
                    err.println("smcroutectl: Daemon not running");
                } else if (reason.equals("Permission denied")) {
                    err.println("smcroutectl: Need root privileges to connect to daemon");
                } else if (reason.equals("No such file or directory")
                        || (Files.notExists(socket) && reason.indexOf("too long") < 0)) {
                    err.println("smcroutectl: Cannot find IPC socket " + socket);
                    if (explicitPath) {
                        err.println("smcroutectl: Failed connecting to daemon: No such file or directory");
                    } else {
                        err.println("smcroutectl: Daemon may be running with another -i NAME");
                    }
                } else {
                    err.println("smcroutectl: Failed connecting to daemon: " + reason);
                }
                return null;
            }
        }
    }

    /** Reads until the daemon closes the connection: the whole reply, possibly empty. */
    static byte[] readReply(SocketChannel ch) throws IOException {
        byte[] buf = new byte[4096];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            int r = ch.read(ByteBuffer.wrap(buf, n, buf.length - n));
            if (r < 0) {
                return Arrays.copyOf(buf, n);
            }
            n += r;
        }
    }

    /** The strerror-like part of an exception message. */
    static String reason(IOException e) {
        String m = e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        return m;
    }

    static void close(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(Long.getLong(RETRY_MS, 100));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

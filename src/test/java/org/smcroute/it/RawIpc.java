package org.smcroute.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.smcroute.ipc.Request;
import org.smcroute.ipc.Wire;

/**
 * Raw IPC connections to the daemon's UNIX socket, below smcroutectl: the test decides every byte
 * (request layout, native byte order, 8-byte {@code len}) and observes exactly what comes back and
 * when the daemon closes. Every wait is bounded.
 */
public final class RawIpc implements AutoCloseable {

    /** What one connection saw: the bytes received, whether the daemon closed, and when. */
    public record Outcome(byte[] bytes, boolean closed, long millis) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** The replies, split at their terminating NULs (a trailing unterminated part is dropped). */
        public List<String> replies() {
            List<String> out = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return out;
        }
    }

    private final SocketChannel ch;
    private final long opened = System.nanoTime();

    private RawIpc(SocketChannel ch) {
        this.ch = ch;
    }

    /** Connects (blocking connect, then non-blocking I/O). */
    public static RawIpc connect(Path socket) {
        try {
            SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            return new RawIpc(ch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public SocketChannel channel() {
        return ch;
    }

    /** A well-formed request, as smcroutectl would encode it. */
    public static byte[] request(char cmd, String... args) {
        return Wire.encode(new Request(cmd, List.of(args)));
    }

    /** A header with arbitrary field values followed by {@code body}. */
    public static byte[] raw(long len, int cmd, int count, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(16 + body.length).order(ByteOrder.nativeOrder());
        b.putLong(len).putShort((short) cmd).putShort((short) count).putInt(0).put(body);
        return b.array();
    }

    /** Bytes of the strings, each followed by a NUL (no extra final NUL). */
    public static byte[] strings(String... words) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String w : words) {
            out.writeBytes(w.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        return out.toByteArray();
    }

    /** Writes everything (waiting at most 5 s for socket space). */
    public RawIpc send(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long deadline = System.nanoTime() + 5_000_000_000L;
        try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_WRITE);
            while (b.hasRemaining()) {
                if (ch.write(b) == 0) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        throw new IllegalStateException("could not write request within 5 s");
                    }
                    sel.select(left);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * Reads until the daemon closes or {@code timeout} passes, whichever is first. A reset
     * counts as closed. {@code millis} is measured from the connect.
     */
    public Outcome readUntilClosed(Duration timeout) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer b = ByteBuffer.allocate(65536);
        try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_READ);
            while (true) {
                int n;
                try {
                    n = ch.read(b);
                } catch (IOException e) {
                    return new Outcome(got.toByteArray(), true, elapsed());
                }
                if (n < 0) {
                    return new Outcome(got.toByteArray(), true, elapsed());
                }
                if (n > 0) {
                    got.write(b.array(), 0, b.position());
                    b.clear();
                    continue;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return new Outcome(got.toByteArray(), false, elapsed());
                }
                sel.select(left);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long elapsed() {
        return (System.nanoTime() - opened) / 1_000_000;
    }

    /** Connect, send, read until closed (at most {@code timeout}), close. */
    public static Outcome exchange(Path socket, byte[] request, Duration timeout) {
        try (RawIpc c = connect(socket)) {
            return c.send(request).readUntilClosed(timeout);
        }
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}

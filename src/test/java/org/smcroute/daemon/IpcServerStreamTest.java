package org.smcroute.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smcroute.ipc.Action;
import org.smcroute.ipc.Request;
import org.smcroute.ipc.Wire;
import org.smcroute.log.Log;
import org.smcroute.loop.EventLoop;
import org.smcroute.loop.Stream;
import org.smcroute.sys.UnixServer;

/** Streamed IPC replies: sent as produced, ended with the NUL, cut short, timed out, or abandoned by the peer. */
class IpcServerStreamTest {

    @TempDir
    Path dir;
    private EventLoop loop;
    private IpcServer server;
    private Thread thread;

    /** Starts a server whose {@code M} requests are answered by {@code streams}, anything else with an empty reply. */
    private Path start(Function<EventLoop, Stream> streams) throws Exception {
        Path sock = dir.resolve("s.sock");
        loop = new EventLoop(new Log(Log.DEBUG, (l, m) -> { }));
        server = new IpcServer(loop, UnixServer.bind(sock.toString(), 0600, -1), new Log(Log.DEBUG, (l, m) -> { }),
                (a, flags) -> a instanceof Action.Observe ? IpcServer.Reply.of(streams.apply(loop)) : IpcServer.Reply.of(""));
        thread = Thread.ofPlatform().name("loop").start(loop::run);
        return sock;
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.post(() -> {
                server.close();
                loop.stop();
            });
            thread.join(10_000);
            loop.close();
        }
    }

    private static byte[] requests(char... cmds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (char c : cmds) {
            out.writeBytes(Wire.encode(new Request(c, List.of())));
        }
        return out.toByteArray();
    }

    private static String readAll(SocketChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(1 << 16);
        while (ch.read(b.clear()) >= 0) {
            out.write(b.array(), 0, b.position());
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** A stream of the given pieces; "WAIT" waits 100 ms on a loop timer, "ABORT" cuts the stream short. */
    private static Stream pieces(EventLoop loop, String... parts) {
        return new Stream() {
            private int next;
            private Runnable wakeUp;
            private boolean waited;

            @Override
            public void open(Runnable wakeUp) {
                this.wakeUp = wakeUp;
            }

            @Override
            public byte[] next() {
                if (next == parts.length) {
                    return null;
                }
                String p = parts[next];
                if (p.equals("WAIT")) {
                    if (!waited) {
                        waited = true;
                        loop.schedule(100, wakeUp);
                        return WAIT;
                    }
                    next++;
                    return next();
                }
                next++;
                return p.equals("ABORT") ? ABORT : p.getBytes(StandardCharsets.ISO_8859_1);
            }

            @Override
            public void close(boolean timedOut) {
            }
        };
    }

    @Test
    void aStreamedReplyEndsWithItsNulAndThePipelinedRequestsFollow() throws Exception {
        Path sock = start(l -> pieces(l, "one ", "WAIT", "two"));
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ch.write(ByteBuffer.wrap(requests('M', 'F', 'M')));
            assertThat(readAll(ch)).isEqualTo("one two\0\0one two\0");
        }
    }

    @Test
    void aStreamCutShortEndsTheConnectionWithoutItsNul() throws Exception {
        Path sock = start(l -> pieces(l, "partial", "ABORT"));
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ch.write(ByteBuffer.wrap(requests('E', 'F')));
            assertThat(readAll(ch)).isEqualTo("partial");
        }
    }

    /** A stream that never ends, recording how it was closed. */
    private static Stream endless(AtomicReference<String> closed, CountDownLatch done, boolean waits) {
        byte[] piece = new byte[1 << 16];
        Arrays.fill(piece, (byte) 'x');
        return new Stream() {
            @Override
            public void open(Runnable wakeUp) {
            }

            @Override
            public byte[] next() {
                return waits ? WAIT : piece;
            }

            @Override
            public void close(boolean timedOut) {
                closed.set(timedOut ? "timed out" : "closed");
                done.countDown();
            }
        };
    }

    @Test
    void aPeerThatStopsReadingTimesOut() throws Exception {
        AtomicReference<String> closed = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Path sock = start(l -> endless(closed, done, false));
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ch.write(ByteBuffer.wrap(requests('M')));
            assertThat(done.await(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(closed.get()).isEqualTo("timed out");
            String got = readAll(ch); // what was sent before, then the close
            assertThat(got.length()).isPositive();
            assertThat(got.indexOf('\0')).as("no NUL: the reply was cut").isEqualTo(-1);
        }
    }

    @Test
    void aPeerThatHangsUpWhileTheStreamWaitsEndsIt() throws Exception {
        AtomicReference<String> closed = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Path sock = start(l -> endless(closed, done, true));
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ch.write(ByteBuffer.wrap(requests('E')));
            Thread.sleep(200);
        }
        assertThat(done.await(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(closed.get()).isEqualTo("closed");
    }
}

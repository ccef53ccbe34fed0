package org.smcroute.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.KernelException;

/** Native helpers that need neither root nor a namespace: errno capture, poll, eventfd, IPC. */
class LibCTest {

    @Test
    void errnoIsCapturedAndExplained() {
        assertThat(LibC.close(-1)).isEqualTo(-Errno.EBADF);
        KernelException e = LibC.error("close", -Errno.EBADF);
        assertThat(e.op()).isEqualTo("close");
        assertThat(e.errno()).isEqualTo(Errno.EBADF);
        assertThat(e.reason()).isEqualTo("Bad file descriptor");
        assertThat(LibC.strerror(Errno.EADDRINUSE)).isEqualTo("Address already in use");
        assertThat(LibC.ifNameToIndex("lo")).isPositive();
        assertThat(LibC.ifNameToIndex("no-such-if0")).isZero();
    }

    @Test
    void eventFdWakesPoller() throws Exception {
        Poller p = new Poller();
        try (EventFd ev = new EventFd()) {
            int[] fds = {ev.fd()};
            short[] events = {Poller.POLLIN};
            short[] rev = new short[1];
            assertThat(p.poll(fds, events, rev, 0)).isZero();
            assertThat(rev[0]).isZero();
            CompletableFuture.runAsync(() -> {
                sleep(100);
                ev.signal();
            });
            long t0 = System.nanoTime();
            assertThat(p.poll(fds, events, rev, 5000)).isEqualTo(1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(4000);
            assertThat(rev[0] & Poller.POLLIN).isNotZero();
            ev.signal();
            assertThat(ev.drain()).isEqualTo(2);
            assertThat(p.poll(fds, events, rev, 0)).isZero();
        }
    }

    @Test
    void signalHandlerPostsToEventFd() throws Exception {
        try (EventFd ev = new EventFd()) {
            Signals.handle("HUP", ev::signal);
            Signals.raise("HUP");
            short[] rev = new short[1];
            assertThat(new Poller().poll(new int[] {ev.fd()}, new short[] {Poller.POLLIN}, rev, 5000)).isEqualTo(1);
            assertThat(ev.drain()).isEqualTo(1);
            assertThatThrownBy(() -> Signals.handle("NOSUCHSIG", ev::signal)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void pollerReportsInvalidFd() throws Exception {
        short[] rev = new short[2];
        assertThat(new Poller().poll(new int[] {-1, 999_999}, new short[] {Poller.POLLIN, Poller.POLLIN}, rev, 0))
                .isEqualTo(1);
        assertThat(rev[0]).isZero();
        assertThat(rev[1] & Poller.POLLNVAL).isNotZero();
    }

    @Test
    void unixServerModeAcceptReadWriteProbe(@TempDir Path dir) throws Exception {
        String path = dir.resolve("smcroute.sock").toString();
        assertThat(UnixServer.probe(path)).isFalse();
        int gid = (Integer) Files.getAttribute(dir, "unix:gid");
        boolean root = Posix.geteuid() == 0;
        try (UnixServer s = UnixServer.bind(path, 0660, root ? gid : -1)) {
            assertThat(Files.getAttribute(Path.of(path), "unix:mode")).isEqualTo(0140660);
            assertThat(s.accept()).isNull();
            assertThat(UnixServer.probe(path)).isTrue();
            try (SocketConnection probed = s.accept()) {
                assertThat(probed).isNotNull();
                byte[] b = new byte[16];
                assertThat(probed.read(b, 0, b.length)).isZero(); // probe closed: EOF
            }
            try (var ch = SocketChannel.open(UnixDomainSocketAddress.of(path));
                    SocketConnection c = awaitAccept(s)) {
                byte[] b = new byte[16];
                assertThat(c.read(b, 0, b.length)).isEqualTo(-1);
                ch.write(ByteBuffer.wrap("hello".getBytes()));
                sleep(50);
                assertThat(c.read(b, 2, 10)).isEqualTo(5);
                assertThat(new String(b, 2, 5)).isEqualTo("hello");
                assertThat(c.write("world".getBytes(), 0, 5)).isEqualTo(5);
                ByteBuffer in = ByteBuffer.allocate(5);
                ch.read(in);
                assertThat(new String(in.array())).isEqualTo("world");
                ch.close();
                sleep(50);
                assertThat(c.read(b, 0, 16)).isZero();
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 100; i++) {
                        c.write(b, 0, 16);
                    }
                }).isInstanceOfSatisfying(KernelException.class,
                        e -> assertThat(e.errno()).isIn(Errno.EPIPE, Errno.ECONNRESET));
            }
            assertThatThrownBy(() -> UnixServer.bind(path, 0660, -1))
                    .isInstanceOfSatisfying(KernelException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EADDRINUSE));
        }
        assertThat(Files.exists(Path.of(path))).isFalse();
        assertThat(UnixServer.probe(path)).isFalse();
    }

    @Test
    void staleSocketIsNotAlive(@TempDir Path dir) throws Exception {
        String path = dir.resolve("stale.sock").toString();
        UnixServer s = UnixServer.bind(path, 0660, -1);
        // close the fd but keep the file, as a crashed daemon would
        LibC.close(s.fd());
        assertThat(Files.exists(Path.of(path))).isTrue();
        assertThat(UnixServer.probe(path)).isFalse();
        Files.delete(Path.of(path));
        Files.writeString(dir.resolve("plain"), "x");
        assertThat(UnixServer.probe(dir.resolve("plain").toString())).isFalse();
    }

    @Test
    void longPathsAreRefused() {
        String p = "/tmp/" + "x".repeat(103);
        assertThat(p.length()).isEqualTo(108);
        assertThatThrownBy(() -> UnixServer.bind(p, 0660, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UnixServer.probe(p)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void posix() {
        assertThat(Posix.getpid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(Posix.geteuid()).isGreaterThanOrEqualTo(0);
        if (Posix.geteuid() == 0) {
            assertThat(Posix.hasCapNetAdmin()).isTrue();
        }
    }

    private static SocketConnection awaitAccept(UnixServer s) throws Exception {
        for (int i = 0; i < 100; i++) {
            SocketConnection c = s.accept();
            if (c != null) {
                return c;
            }
            sleep(10);
        }
        throw new AssertionError("no connection");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

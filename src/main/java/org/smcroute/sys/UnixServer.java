package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.KernelException;

/**
 * The daemon's IPC listening socket (AF_UNIX stream) through FFM, so its fd sits in the same
 * poll loop as the routing sockets. The file mode and owner are final before {@link #bind}
 * returns, so no client can connect through a wider mode (SPEC §14.1).
 */
public final class UnixServer extends ListeningSocket {

    /** {@code sun_path} is 108 bytes including the terminating NUL. */
    public static final int MAX_PATH = 107;
    private static final int TYPE = Abi.SOCK_STREAM | Abi.SOCK_NONBLOCK | Abi.SOCK_CLOEXEC;
    private static final long SUN_PATH = Layouts.offset(Layouts.SOCKADDR_UN, "sun_path");

    private final String path;

    private UnixServer(String path, int fd) {
        super(fd);
        this.path = path;
    }

    /**
     * Creates, binds and listens on {@code path}, then sets {@code mode} and owner 0:{@code gid}
     * ({@code gid} -1 leaves the group alone).
     * The socket file is created under umask 0177 so it is never wider than 0600 in between.
     * An existing file makes this fail with EADDRINUSE: check it with {@link #probe} and unlink
     * a stale one first (SPEC §4.2).
     *
     * @throws IllegalArgumentException if the path does not fit in {@code sun_path}
     */
    public static UnixServer bind(String path, int mode, int gid) throws KernelException {
        int fd = LibC.check("socket", LibC.socket(Abi.AF_UNIX, TYPE, 0));
        boolean bound = false;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = sockaddr(a, path);
            int old = LibC.umask(0177);
            int r;
            try {
                r = LibC.bind(fd, sa, (int) sa.byteSize());
            } finally {
                LibC.umask(old);
            }
            LibC.check("bind", r);
            bound = true;
            MemorySegment cpath = a.allocateFrom(path);
            LibC.check("chmod", LibC.chmod(cpath, mode));
            // uid 0 only when we are root: a non-root instance (tests, user sockets) keeps its own
            LibC.check("chown", LibC.chown(cpath, Posix.geteuid() == 0 ? 0 : -1, gid));
            LibC.check("listen", LibC.listen(fd, 16));
            return new UnixServer(path, fd);
        } catch (KernelException | RuntimeException e) {
            LibC.close(fd);
            if (bound) {
                unlink(path);
            }
            throw e;
        }
    }

    /**
     * True when a process accepts connections at {@code path} (single-instance check, SPEC §4.2).
     * Never blocks: the connect is non-blocking, and a full backlog (EAGAIN) still means alive.
     */
    public static boolean probe(String path) {
        int fd = LibC.socket(Abi.AF_UNIX, TYPE, 0);
        if (fd < 0) {
            return false;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = sockaddr(a, path);
            int r = LibC.connect(fd, sa, (int) sa.byteSize());
            return r == 0 || r == -Errno.EAGAIN || r == -Errno.EINPROGRESS;
        } finally {
            LibC.close(fd);
        }
    }

    static MemorySegment sockaddr(Arena a, String path) {
        byte[] b = path.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > MAX_PATH) {
            throw new IllegalArgumentException("UNIX socket path must be 1.." + MAX_PATH + " bytes: " + path);
        }
        for (byte c : b) {
            if (c == 0) {
                throw new IllegalArgumentException("UNIX socket path contains NUL: " + path);
            }
        }
        MemorySegment sa = a.allocate(Layouts.SOCKADDR_UN);
        sa.set(JAVA_SHORT, 0, (short) Abi.AF_UNIX);
        MemorySegment.copy(b, 0, sa, JAVA_BYTE, SUN_PATH, b.length);
        return sa;
    }

    private static void unlink(String path) {
        try (Arena a = Arena.ofConfined()) {
            LibC.unlink(a.allocateFrom(path));
        }
    }

    public String path() {
        return path;
    }

    /** Closing also removes the socket's file. */
    @Override
    void closed() {
        unlink(path);
    }
}

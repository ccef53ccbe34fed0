package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.KernelException;

/**
 * One accepted stream connection (an IPC client on the UNIX socket, an HTTP client of the
 * metrics endpoint), non-blocking. Data passes through a small off-heap buffer of its own,
 * since heap arrays may only be handed to "critical" downcalls.
 */
public final class SocketConnection implements AutoCloseable {

    private static final int BUF = 4096;

    private int fd;
    private final MemorySegment buf = Arena.ofAuto().allocate(BUF);

    SocketConnection(int fd) {
        this.fd = fd;
    }

    public int fd() {
        return fd;
    }

    /**
     * Reads what is available, at most {@code len} bytes (and at most 4096 per call).
     *
     * @return bytes read, 0 at end of stream, -1 when nothing is available (EAGAIN)
     * @throws KernelException on any other error, e.g. ECONNRESET
     */
    public int read(byte[] b, int off, int len) throws KernelException {
        Objects.checkFromIndexSize(off, len, b.length);
        long r;
        do {
            r = LibC.recv(fd, buf, Math.min(len, BUF), 0);
        } while (r == -Errno.EINTR);
        if (r == -Errno.EAGAIN) {
            return -1;
        }
        int n = LibC.check("recv", (int) r);
        MemorySegment.copy(buf, JAVA_BYTE, 0, b, off, n);
        return n;
    }

    /**
     * Writes as much as the socket takes now, at most {@code len} bytes (and at most 4096).
     * MSG_NOSIGNAL turns a vanished peer into EPIPE instead of SIGPIPE.
     *
     * @return bytes written, or -1 when the socket buffer is full (EAGAIN)
     * @throws KernelException on EPIPE, ECONNRESET and other errors
     */
    public int write(byte[] b, int off, int len) throws KernelException {
        Objects.checkFromIndexSize(off, len, b.length);
        int n = Math.min(len, BUF);
        MemorySegment.copy(b, off, buf, JAVA_BYTE, 0, n);
        long r;
        do {
            r = LibC.send(fd, buf, n, Abi.MSG_NOSIGNAL);
        } while (r == -Errno.EINTR);
        if (r == -Errno.EAGAIN) {
            return -1;
        }
        return LibC.check("send", (int) r);
    }

    /** Idempotent. */
    @Override
    public void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }
}

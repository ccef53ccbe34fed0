package org.smcroute.sys;

import org.smcroute.kernel.Errno;
import org.smcroute.kernel.KernelException;

/**
 * A listening stream socket (the IPC socket, the metrics endpoint) whose descriptor sits in
 * the daemon's poll loop: it accepts non-blocking connections and is closed once.
 */
public abstract class ListeningSocket implements AutoCloseable {

    private int fd;

    ListeningSocket(int fd) {
        this.fd = fd;
    }

    public int fd() {
        return fd;
    }

    /**
     * Accepts one pending client as a non-blocking connection.
     *
     * @return the connection, or null when none is pending (EAGAIN, or the client gave up)
     */
    public SocketConnection accept() throws KernelException {
        int c = LibC.accept4(fd, Abi.SOCK_NONBLOCK | Abi.SOCK_CLOEXEC);
        if (c == -Errno.EAGAIN || c == -Errno.EINTR || c == -Errno.ECONNABORTED) {
            return null;
        }
        return new SocketConnection(LibC.check("accept", c));
    }

    /** Closes the socket; idempotent. */
    @Override
    public void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
            closed();
        }
    }

    /** Runs once, after the descriptor was closed. */
    void closed() {
    }
}

package org.smcroute.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.smcroute.kernel.KernelException;
import org.smcroute.net.Addr;

/**
 * A listening TCP socket through FFM (the metrics endpoint), so that it and its connections
 * sit in the daemon's one poll loop like the IPC socket: non-blocking, close-on-exec,
 * SO_REUSEADDR so a restart does not wait for old connections in TIME_WAIT.
 */
public final class TcpServer extends ListeningSocket {

    private static final int TYPE = Abi.SOCK_STREAM | Abi.SOCK_NONBLOCK | Abi.SOCK_CLOEXEC;

    private TcpServer(int fd) {
        super(fd);
    }

    /** Binds to {@code addr} and {@code port} and listens. */
    public static TcpServer bind(Addr addr, int port) throws KernelException {
        int fd = LibC.check("socket", LibC.socket(addr.v6() ? Abi.AF_INET6 : Abi.AF_INET, TYPE, 0));
        try (Arena a = Arena.ofConfined()) {
            LibC.check("setsockopt", LibC.setsockoptInt(fd, Abi.SOL_SOCKET, Abi.SO_REUSEADDR, 1));
            MemorySegment sa = a.allocate(Sockaddr.size(addr), 8);
            Sockaddr.write(sa, 0, addr, 0, port);
            LibC.check("bind", LibC.bind(fd, sa, (int) sa.byteSize()));
            LibC.check("listen", LibC.listen(fd, 16));
            return new TcpServer(fd);
        } catch (KernelException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }
}

package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.KernelException;

/**
 * A non-blocking eventfd that wakes the poll loop: closing a socket does not wake a thread
 * blocked on it, so signal handlers and other threads post here instead.
 */
public final class EventFd implements AutoCloseable {

    private volatile int fd;

    public EventFd() throws KernelException {
        fd = LibC.check("eventfd", LibC.eventfd(0, Abi.EFD_NONBLOCK | Abi.EFD_CLOEXEC));
    }

    public int fd() {
        return fd;
    }

    /** Makes the fd readable. Safe from any thread; a full counter (EAGAIN) is already readable. */
    public void signal() {
        int f = fd;
        if (f < 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            LibC.write(f, a.allocateFrom(JAVA_LONG, 1L), 8);
        }
    }

    /**
     * Resets the fd to not readable.
     *
     * @return how many signals were posted since the last drain (0 if none)
     */
    public long drain() {
        int f = fd;
        long total = 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            while (f >= 0) {
                long r = LibC.read(f, v, 8);
                if (r == -Errno.EINTR) {
                    continue;
                }
                if (r != 8) {
                    break;
                }
                total += v.get(JAVA_LONG, 0);
            }
        }
        return total;
    }

    @Override
    public void close() {
        int f = fd;
        fd = -1;
        if (f >= 0) {
            LibC.close(f);
        }
    }
}

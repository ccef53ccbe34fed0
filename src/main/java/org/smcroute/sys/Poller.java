package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.KernelException;

/**
 * poll(2) for the daemon's single event loop. A JDK {@code Selector} takes only its own channels,
 * never a raw descriptor such as a routing socket, so every fd the loop waits on goes through
 * here. The pollfd array is kept between calls; one Poller belongs to one loop thread.
 */
public final class Poller {

    public static final short POLLIN = 0x001;
    public static final short POLLPRI = 0x002;
    public static final short POLLOUT = 0x004;
    public static final short POLLERR = 0x008;
    public static final short POLLHUP = 0x010;
    public static final short POLLNVAL = 0x020;

    private static final long FD = Layouts.offset(Layouts.POLLFD, "fd");
    private static final long EVENTS = Layouts.offset(Layouts.POLLFD, "events");
    private static final long REVENTS = Layouts.offset(Layouts.POLLFD, "revents");
    private static final long SIZE = Layouts.POLLFD.byteSize();

    private MemorySegment pollfds = MemorySegment.NULL;
    /** The pollfd array as bytes: built here and copied in (and back) in one go each. */
    private ByteBuffer view = ByteBuffer.allocate(0);
    private int capacity;

    /** Waits on all of {@code fds}; see {@link #poll(int[], short[], short[], int, int)}. */
    public int poll(int[] fds, short[] events, short[] revents, int timeoutMs) throws KernelException {
        return poll(fds, events, revents, fds.length, timeoutMs);
    }

    /**
     * Waits until one of the first {@code n} fds is ready or {@code timeoutMs} passes (-1 waits
     * forever). Negative fds are ignored by the kernel, as poll(2) specifies.
     *
     * <p>The pollfds are put together in a heap array and copied into native memory whole: set
     * field by field through the memory layout, the compiled method would go through each
     * accessor's method-handle tree, and compiling it costs far more memory.
     *
     * @return the number of fds with non-zero {@code revents}; 0 on timeout or EINTR
     */
    public int poll(int[] fds, short[] events, short[] revents, int n, int timeoutMs) throws KernelException {
        if (n > capacity) {
            capacity = Math.max(n, 16);
            pollfds = Arena.ofAuto().allocate(SIZE * capacity, 8);
            view = ByteBuffer.allocate((int) (SIZE * capacity)).order(ByteOrder.nativeOrder());
        }
        ByteBuffer b = view;
        for (int i = 0; i < n; i++) {
            int at = (int) (i * SIZE);
            b.putInt(at + (int) FD, fds[i]);
            b.putShort(at + (int) EVENTS, events[i]);
            b.putShort(at + (int) REVENTS, (short) 0);
        }
        int len = (int) (n * SIZE);
        MemorySegment.copy(b.array(), 0, pollfds, JAVA_BYTE, 0, len);
        int r = LibC.poll(n == 0 ? MemorySegment.NULL : pollfds, n, timeoutMs);
        if (r == -Errno.EINTR) {
            r = 0;
        }
        LibC.check("poll", r);
        if (r > 0) {
            MemorySegment.copy(pollfds, JAVA_BYTE, 0, b.array(), 0, len);
        }
        for (int i = 0; i < n; i++) {
            revents[i] = r == 0 ? 0 : b.getShort((int) (i * SIZE + REVENTS));
        }
        return r;
    }
}

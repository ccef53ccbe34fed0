package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import org.smcroute.kernel.KernelException;

/**
 * The thin native boundary: one static downcall handle per libc function, called with
 * {@code invokeExact}. Every wrapper returns the C result, or {@code -errno} when the call failed,
 * the way Netty's epoll transport does, so callers branch on errno without exceptions on hot
 * paths (EAGAIN). errno is taken only from the captured call state: read afterwards through
 * {@code __errno_location} it may already belong to something the JVM ran in between.
 * Kernel ABI numbers (SPEC §16.2) live in {@link Abi}.
 */
final class LibC {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPT = Linker.Option.captureCallState("errno");
    /** One capture buffer per thread: the loop thread, plus the signal thread for EventFd. */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private static final MethodHandle SOCKET = errno("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle SETSOCKOPT =
            errno("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle GETSOCKOPT =
            errno("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle CLOSE = errno("close", JAVA_INT, JAVA_INT);
    private static final MethodHandle RECV = errno("recv", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle RECVMSG = errno("recvmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SEND = errno("send", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle SENDTO =
            errno("sendto", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle READ = errno("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle WRITE = errno("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
    private static final MethodHandle POLL = errno("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
    private static final MethodHandle EVENTFD = errno("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle BIND = errno("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle LISTEN = errno("listen", JAVA_INT, JAVA_INT, JAVA_INT);
    private static final MethodHandle ACCEPT4 = errno("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    private static final MethodHandle CONNECT = errno("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle CHMOD = errno("chmod", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle CHOWN = errno("chown", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
    /** open(2) is variadic; declaring the (empty) variadic tail keeps the call ABI-correct. */
    private static final MethodHandle OPEN = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("open"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            ERRNO_OPT, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle UNLINK = errno("unlink", JAVA_INT, ADDRESS);
    private static final MethodHandle GETIFADDRS = errno("getifaddrs", JAVA_INT, ADDRESS);
    private static final MethodHandle IOCTL = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("ioctl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            ERRNO_OPT, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle UMASK = plain("umask", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FREEIFADDRS = plain("freeifaddrs", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle IF_NAMETOINDEX =
            plain("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle STRERROR = plain("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private LibC() {
    }

    /** A handle capturing errno, also for wrappers kept in other classes (call with {@link #state()}). */
    static MethodHandle errno(String name, MemoryLayout ret, MemoryLayout... args) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name),
                FunctionDescriptor.of(ret, args), ERRNO_OPT);
    }

    /** A variadic function's handle capturing errno; {@code fixed} arguments precede the variadic ones. */
    static MethodHandle variadic(String name, int fixed, MemoryLayout ret, MemoryLayout... args) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name),
                FunctionDescriptor.of(ret, args), ERRNO_OPT, Linker.Option.firstVariadicArg(fixed));
    }

    static MethodHandle plain(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), fd);
    }

    /** Downcalls declare Throwable; only unchecked failures (bad segment, closed arena) occur. */
    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    private static int err(MemorySegment state) {
        return -(int) ERRNO.get(state, 0L);
    }

    /** This thread's call-state buffer, the first argument of every {@link #errno} handle. */
    static MemorySegment state() {
        return STATE.get();
    }

    /** {@code r}, or {@code -errno} from {@code st} when {@code r} is negative. */
    static int ret(int r, MemorySegment st) {
        return r < 0 ? err(st) : r;
    }

    private static long ret(long r, MemorySegment st) {
        return r < 0 ? err(st) : r;
    }

    /** Turns a {@code -errno} result into the typed exception the domain branches on. */
    static KernelException error(String op, int negErrno) {
        int e = -negErrno;
        return new KernelException(op, e, strerror(e));
    }

    /** Returns {@code r} when it is not negative, else throws for {@code -r}. */
    static int check(String op, int r) throws KernelException {
        if (r < 0) {
            throw error(op, r);
        }
        return r;
    }

    static String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) STRERROR.invokeExact(errno);
            return p.equals(MemorySegment.NULL) ? "errno " + errno : p.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int socket(int domain, int type, int protocol) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) SOCKET.invokeExact(st, domain, type, protocol), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) SETSOCKOPT.invokeExact(st, fd, level, name, value, len), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** setsockopt with an {@code int} value. */
    static int setsockoptInt(int fd, int level, int name, int value) {
        try (Arena a = Arena.ofConfined()) {
            return setsockopt(fd, level, name, a.allocateFrom(JAVA_INT, value), 4);
        }
    }

    /** getsockopt for an {@code int} option; the value, or {@code -errno}. */
    static int getsockoptInt(int fd, int level, int name) {
        MemorySegment st = STATE.get();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            MemorySegment len = a.allocateFrom(JAVA_INT, 4);
            int r = ret((int) GETSOCKOPT.invokeExact(st, fd, level, name, v, len), st);
            return r < 0 ? r : v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int close(int fd) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) CLOSE.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static long recv(int fd, MemorySegment buf, long len, int flags) {
        MemorySegment st = STATE.get();
        try {
            return ret((long) RECV.invokeExact(st, fd, buf, len, flags), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment st = STATE.get();
        try {
            return ret((long) RECVMSG.invokeExact(st, fd, msghdr, flags), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static long send(int fd, MemorySegment buf, long len, int flags) {
        MemorySegment st = STATE.get();
        try {
            return ret((long) SEND.invokeExact(st, fd, buf, len, flags), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static long sendto(int fd, MemorySegment buf, long len, int flags, MemorySegment to, int toLen) {
        MemorySegment st = STATE.get();
        try {
            return ret((long) SENDTO.invokeExact(st, fd, buf, len, flags, to, toLen), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static long read(int fd, MemorySegment buf, long len) {
        MemorySegment st = STATE.get();
        try {
            return ret((long) READ.invokeExact(st, fd, buf, len), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static long write(int fd, MemorySegment buf, long len) {
        MemorySegment st = STATE.get();
        try {
            return ret((long) WRITE.invokeExact(st, fd, buf, len), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int poll(MemorySegment fds, long nfds, int timeoutMs) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) POLL.invokeExact(st, fds, nfds, timeoutMs), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int eventfd(int initval, int flags) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) EVENTFD.invokeExact(st, initval, flags), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int bind(int fd, MemorySegment addr, int len) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) BIND.invokeExact(st, fd, addr, len), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int listen(int fd, int backlog) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) LISTEN.invokeExact(st, fd, backlog), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** accept4 without peer address. */
    static int accept4(int fd, int flags) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, flags), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int connect(int fd, MemorySegment addr, int len) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) CONNECT.invokeExact(st, fd, addr, len), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int chmod(MemorySegment path, int mode) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) CHMOD.invokeExact(st, path, mode), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int chown(MemorySegment path, int uid, int gid) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) CHOWN.invokeExact(st, path, uid, gid), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** open(2) without a mode argument (no O_CREAT). */
    static int open(MemorySegment path, int flags) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) OPEN.invokeExact(st, path, flags), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static int unlink(MemorySegment path) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) UNLINK.invokeExact(st, path), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** ioctl with one pointer argument. */
    static int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) IOCTL.invokeExact(st, fd, request, arg), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** Stores the list head in {@code head} (a pointer-sized segment). */
    static int getifaddrs(MemorySegment head) {
        MemorySegment st = STATE.get();
        try {
            return ret((int) GETIFADDRS.invokeExact(st, head), st);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    static void freeifaddrs(MemorySegment list) {
        try {
            FREEIFADDRS.invokeExact(list);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** The interface index, or 0 when there is no such interface. */
    static int ifNameToIndex(String name) {
        try (Arena a = Arena.ofConfined()) {
            return (int) IF_NAMETOINDEX.invokeExact(a.allocateFrom(name));
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }

    /** Sets the process umask and returns the previous one (never fails). */
    static int umask(int mask) {
        try {
            return (int) UMASK.invokeExact(mask);
        } catch (Throwable t) {
            throw unchecked(t);
        }
    }
}

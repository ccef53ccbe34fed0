package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.smcroute.kernel.KernelException;

/**
 * The calls behind {@code -p USER[:GROUP]} (SPEC §4.3) and the RLIMIT_NOFILE raise of SPEC §9.3.
 * glibc's {@code setuid}/{@code setgid}/{@code initgroups} change every thread of the JVM, but
 * capabilities are per thread: {@link #limitCapabilities} only affects the calling thread, so it
 * must run on the thread that later needs CAP_NET_ADMIN/CAP_NET_RAW (the state thread).
 */
public final class Privileges {

    /** A user's uid and primary gid from the passwd database. */
    public record Account(String name, int uid, int gid) {
    }

    private static final int ERANGE = 34;
    private static final int MAX_BUF = 1 << 20;
    private static final long PW_UID = Layouts.offset(Layouts.PASSWD, "pw_uid");
    private static final long PW_GID = Layouts.offset(Layouts.PASSWD, "pw_gid");
    private static final long GR_GID = Layouts.offset(Layouts.GROUP, "gr_gid");
    private static final long CAP_PERMITTED = Layouts.offset(Layouts.CAP_DATA, "permitted");
    private static final long RLIM_MAX = Layouts.offset(Layouts.RLIMIT, "rlim_max");

    private static final MethodHandle PRCTL = LibC.variadic("prctl", 1, JAVA_INT, JAVA_INT, JAVA_LONG);
    private static final MethodHandle INITGROUPS = LibC.errno("initgroups", JAVA_INT, ADDRESS, JAVA_INT);
    private static final MethodHandle SETGID = LibC.errno("setgid", JAVA_INT, JAVA_INT);
    private static final MethodHandle SETUID = LibC.errno("setuid", JAVA_INT, JAVA_INT);
    private static final MethodHandle CAPSET = LibC.errno("capset", JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle GETRLIMIT = LibC.errno("getrlimit", JAVA_INT, JAVA_INT, ADDRESS);
    private static final MethodHandle SETRLIMIT = LibC.errno("setrlimit", JAVA_INT, JAVA_INT, ADDRESS);
    /** The *_r lookups return the error number instead of setting errno. */
    private static final MethodHandle GETPWNAM_R = LibC.plain("getpwnam_r",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle GETGRNAM_R = LibC.plain("getgrnam_r",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));

    private Privileges() {
    }

    /** The passwd entry of {@code user}, or null when there is none (or the lookup failed). */
    public static Account user(String user) {
        MemorySegment pw = lookup(GETPWNAM_R, Layouts.PASSWD.byteSize(), user);
        return pw == null ? null : new Account(user, pw.get(JAVA_INT, PW_UID), pw.get(JAVA_INT, PW_GID));
    }

    /** The gid of {@code group}, or -1 when there is none (or the lookup failed). */
    public static int group(String group) {
        MemorySegment gr = lookup(GETGRNAM_R, Layouts.GROUP.byteSize(), group);
        return gr == null ? -1 : gr.get(JAVA_INT, GR_GID);
    }

    /** Calls a {@code get*nam_r}, growing the string buffer on ERANGE; the struct, or null. */
    private static MemorySegment lookup(MethodHandle h, long structSize, String name) {
        for (int size = 1024; size <= MAX_BUF; size *= 2) {
            Arena a = Arena.ofAuto();
            MemorySegment entry = a.allocate(structSize, 8);
            MemorySegment buf = a.allocate(size);
            MemorySegment result = a.allocate(ADDRESS);
            int r;
            try {
                r = (int) h.invokeExact(a.allocateFrom(name), entry, buf, (long) size, result);
            } catch (Throwable t) {
                throw LibC.unchecked(t);
            }
            if (r != ERANGE) {
                return r == 0 && !result.get(ADDRESS, 0).equals(MemorySegment.NULL) ? entry : null;
            }
        }
        return null;
    }

    /** {@code prctl(PR_SET_KEEPCAPS, 1)}: keep the permitted set across the coming setuid. */
    public static void keepCapabilities() throws KernelException {
        MemorySegment st = LibC.state();
        try {
            LibC.check("prctl", LibC.ret((int) PRCTL.invokeExact(st, Abi.PR_SET_KEEPCAPS, 1L), st));
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw LibC.unchecked(t);
        }
    }

    /** Supplementary groups of {@code user} plus {@code gid}. */
    public static void initgroups(String user, int gid) throws KernelException {
        MemorySegment st = LibC.state();
        try (Arena a = Arena.ofConfined()) {
            LibC.check("initgroups", LibC.ret((int) INITGROUPS.invokeExact(st, a.allocateFrom(user), gid), st));
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw LibC.unchecked(t);
        }
    }

    public static void setgid(int gid) throws KernelException {
        LibC.check("setgid", idCall(SETGID, gid));
    }

    public static void setuid(int uid) throws KernelException {
        LibC.check("setuid", idCall(SETUID, uid));
    }

    /**
     * Tries {@code setuid(0)}: after a successful drop it must fail (step 5 of SPEC §4.3).
     *
     * @return true when root could be regained, i.e. the drop did not hold (root is now back)
     */
    public static boolean canRegainRoot() {
        return idCall(SETUID, 0) == 0;
    }

    private static int idCall(MethodHandle h, int id) {
        MemorySegment st = LibC.state();
        try {
            return LibC.ret((int) h.invokeExact(st, id), st);
        } catch (Throwable t) {
            throw LibC.unchecked(t);
        }
    }

    /**
     * Sets this thread's permitted and effective capability sets to exactly {@code caps}
     * (e.g. {@link Posix#CAP_NET_ADMIN}, {@link Posix#CAP_NET_RAW}); inheritable is cleared.
     */
    public static void limitCapabilities(int... caps) throws KernelException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment hdr = a.allocate(Layouts.CAP_HEADER);
            hdr.set(JAVA_INT, 0, Abi.LINUX_CAPABILITY_VERSION_3); // pid 0: the calling thread
            MemorySegment data = a.allocate(Layouts.CAP_DATA, 2);
            for (int cap : caps) {
                if (cap < 0 || cap > 63) {
                    throw new IllegalArgumentException("capability out of range: " + cap);
                }
                long word = (cap / 32) * Layouts.CAP_DATA.byteSize();
                int bit = 1 << (cap % 32);
                data.set(JAVA_INT, word, data.get(JAVA_INT, word) | bit); // effective
                data.set(JAVA_INT, word + CAP_PERMITTED, data.get(JAVA_INT, word + CAP_PERMITTED) | bit);
            }
            MemorySegment st = LibC.state();
            LibC.check("capset", LibC.ret((int) CAPSET.invokeExact(st, hdr, data), st));
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw LibC.unchecked(t);
        }
    }

    /**
     * Raises the RLIMIT_NOFILE soft limit to the hard limit, so the join socket pool has no
     * fixed bound (SPEC §9.3).
     *
     * @return the new soft limit
     */
    public static long raiseFileLimit() throws KernelException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment lim = a.allocate(Layouts.RLIMIT);
            MemorySegment st = LibC.state();
            LibC.check("getrlimit", LibC.ret((int) GETRLIMIT.invokeExact(st, Abi.RLIMIT_NOFILE, lim), st));
            long max = lim.get(JAVA_LONG, RLIM_MAX);
            lim.set(JAVA_LONG, 0, max);
            LibC.check("setrlimit", LibC.ret((int) SETRLIMIT.invokeExact(st, Abi.RLIMIT_NOFILE, lim), st));
            return max;
        } catch (KernelException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw LibC.unchecked(t);
        }
    }
}

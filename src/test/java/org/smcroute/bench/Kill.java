package org.smcroute.bench;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * kill(2) from the bench JVM: {@link ProcessHandle} only knows SIGTERM and SIGKILL, and a
 * {@code kill} child process would add milliseconds of fork/exec to timings that start at the
 * signal.
 */
final class Kill {

    static final int SIGHUP = 1;
    static final int SIGTERM = 15;

    private static final MethodHandle KILL;

    static {
        Linker l = Linker.nativeLinker();
        KILL = l.downcallHandle(l.defaultLookup().find("kill").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private Kill() {
    }

    static void send(long pid, int sig) {
        int r;
        try {
            r = (int) KILL.invokeExact((int) pid, sig);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (r != 0) {
            throw new IllegalStateException("kill(" + pid + ", " + sig + ") failed");
        }
    }
}

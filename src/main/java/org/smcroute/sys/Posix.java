package org.smcroute.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Process identity and capabilities from {@code /proc/thread-self/status}: no native call, so
 * the client can use it without paying FFM's start-up cost.
 */
public final class Posix {

    /** Capability numbers of linux/capability.h. */
    public static final int CAP_NET_ADMIN = 12;
    public static final int CAP_NET_RAW = 13;

    private Posix() {
    }

    public static long getpid() {
        return ProcessHandle.current().pid();
    }

    /** The effective UID, or -1 when /proc is not readable. */
    public static int geteuid() {
        String uid = status("Uid:");
        if (uid == null) {
            return -1;
        }
        String[] f = uid.trim().split("\\s+");
        return f.length > 1 ? Integer.parseInt(f[1]) : -1;
    }

    /** True when the effective capability set holds {@code cap}. */
    public static boolean hasCap(int cap) {
        String eff = status("CapEff:");
        return eff != null && ((Long.parseUnsignedLong(eff.trim(), 16) >>> cap) & 1) != 0;
    }

    public static boolean hasCapNetAdmin() {
        return hasCap(CAP_NET_ADMIN);
    }

    /**
     * Capabilities are per thread, and in a JVM {@code /proc/self} is the launcher's primordial
     * thread, not the caller: after {@link Privileges#limitCapabilities} only the calling
     * thread's own status tells the truth.
     */
    private static String status(String key) {
        Path self = Path.of("/proc/thread-self/status");
        try {
            List<String> lines = Files.readAllLines(Files.exists(self) ? self : Path.of("/proc/self/status"));
            for (String l : lines) {
                if (l.startsWith(key)) {
                    return l.substring(key.length());
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}

package org.smcroute.observe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Kernel settings under {@code /proc/sys}, read by the daemon because they belong to its network
 * namespace, which need not be the client's. A separate seam so the doctor's checks can be
 * tested with made-up values.
 */
public interface Sysctl {

    /** The value at {@code /proc/sys/<path...>}, trimmed, or null when it cannot be read. */
    String get(String... path);

    /** The integer value, or {@code dflt} when it cannot be read or is not a number. */
    default int getInt(int dflt, String... path) {
        String v = get(path);
        try {
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /** The name of an interface in a sysctl key: {@code sysctl} writes its dots as slashes. */
    static String keyName(String ifname) {
        return ifname.replace('.', '/');
    }

    /** This process's view of {@code /proc/sys}. */
    static Sysctl proc() {
        return path -> {
            try {
                return Files.readString(Path.of("/proc/sys", path)).strip();
            } catch (IOException | RuntimeException e) {
                return null;
            }
        };
    }
}

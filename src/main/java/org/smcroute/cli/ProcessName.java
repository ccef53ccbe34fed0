package org.smcroute.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Gives the JVM process the program's name, so {@code pgrep -x smcrouted}, {@code ps -C} and
 * {@code top} find it: the kernel names a process after the file it executes, here
 * {@code java}. Writing {@code /proc/self/comm} renames the process (its main thread); the
 * launchers also start the JVM with the program's name as {@code argv[0]}, which {@code pidof}
 * looks at.
 */
public final class ProcessName {

    private ProcessName() {
    }

    /** Best effort: a system without /proc keeps the name it has. */
    public static void set(String name) {
        try (FileOutputStream out = new FileOutputStream("/proc/self/comm")) {
            out.write(name.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | SecurityException e) {
            // nothing to do: only the process listing is affected
        }
    }
}

package org.smcroute.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVM floor for daemon start-up and idle RSS: started with the daemon's flags, it writes
 * its PID to the file given as argument (as smcrouted writes its PID file when ready) and sleeps.
 */
public final class Idle {

    private Idle() {
    }

    public static void main(String[] args) throws Exception {
        Files.writeString(Path.of(args[0]), ProcessHandle.current().pid() + "\n");
        Thread.sleep(Long.MAX_VALUE);
    }
}

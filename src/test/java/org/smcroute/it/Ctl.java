package org.smcroute.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code bin/smcroutectl -u <socket> ARGS} inside a namespace and returns its exit code,
 * stdout and stderr (the socket is a file, so the namespace only matters for realism).
 * Obtain one from {@link Daemon#ctl()}.
 */
public final class Ctl {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final Netns ns;
    private final String socket;

    public Ctl(Netns ns, Path socket) {
        this.ns = ns;
        this.socket = socket.toString();
    }

    /** {@code smcroutectl -u SOCK args...}; check {@code exit()} yourself or call {@code ok()}. */
    public Exec.Result run(String... args) {
        return Exec.run(TIMEOUT, null, argv(args));
    }

    /** Batch mode: {@code smcroutectl -u SOCK -b args...} with {@code lines} on stdin. */
    public Exec.Result batch(String lines, String... args) {
        List<String> a = new ArrayList<>(List.of("-b"));
        a.addAll(List.of(args));
        return Exec.run(TIMEOUT, lines, argv(a.toArray(String[]::new)));
    }

    private List<String> argv(String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "JAVA_HOME=" + Project.javaHome(),
                Project.bin("smcroutectl"), "-u", socket));
        cmd.addAll(List.of(args));
        return ns.argv(cmd.toArray(String[]::new));
    }
}

package org.smcroute.daemon;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.smcroute.log.Log;
import org.smcroute.loop.EventLoop;
import org.smcroute.net.Addr;

/**
 * The {@code -e CMD} hook (SPEC §4.6): started without a shell, never waited for, its exit
 * status collected asynchronously and logged on the state thread.
 */
final class ScriptHook {

    private final String cmd;
    private final Log log;
    private final EventLoop loop;
    private boolean enabled;

    ScriptHook(String cmd, Log log, EventLoop loop) {
        this.cmd = cmd;
        this.log = log;
        this.loop = loop;
    }

    /** Checked once when the main loop starts, as the user the daemon then runs as. */
    boolean validate() {
        if (cmd == null) {
            return false;
        }
        enabled = Files.isRegularFile(Path.of(cmd)) && Files.isExecutable(Path.of(cmd));
        if (!enabled) {
            log.err(cmd + " is not executable.");
        }
        return enabled;
    }

    /** After a successful (re)load: {@code CMD reload}, without source/group variables. */
    void reload() {
        start("reload", null, null);
    }

    /** After a learned route was installed: {@code CMD install} with source and group. */
    void installed(Addr source, Addr group) {
        start("install", source, group);
    }

    private void start(String action, Addr source, Addr group) {
        if (!enabled) {
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(cmd, action);
        Map<String, String> env = pb.environment();
        env.remove("NOTIFY_SOCKET");
        env.remove("source");
        env.remove("group");
        if (source != null) {
            env.put("source", source.toString());
            env.put("group", group.toString());
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process p = pb.start();
            p.onExit().thenAccept(done -> loop.post(() -> reap(done)));
        } catch (IOException e) {
            log.warn("Cannot start script " + cmd + ": " + e.getMessage());
        }
    }

    private void reap(Process p) {
        int status = p.exitValue();
        if (status != 0) {
            log.warn("Script " + cmd + " returned error: " + status);
        }
    }
}

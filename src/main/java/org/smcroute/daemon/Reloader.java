package org.smcroute.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.smcroute.conf.ConfigReader;
import org.smcroute.conf.Directive;
import org.smcroute.conf.DirectiveHandler;
import org.smcroute.conf.ReadResult;
import org.smcroute.log.Log;
import org.smcroute.loop.EventLoop;

/**
 * Configuration loads: the initial one in one go, reloads (SPEC §11) as a mark and sweep that
 * is applied in time slices, so that a big file never stalls the event loop: IPC keeps being
 * answered and SIGTERM is honoured between slices.
 */
final class Reloader {

    /** Longest stretch of directives applied before the loop gets a turn. */
    private static final long SLICE_NANOS = 10_000_000L;

    private final State state;
    private final EventLoop loop;
    private final Log log;
    private final String file;
    private final Consumer<Boolean> done;
    private List<Directive> directives;
    private int next;
    private int failures;
    private boolean readOk;
    private boolean busy;
    private boolean again;

    /** {@code done} receives whether the read was successful (§6.10) once a reload ends. */
    Reloader(State state, EventLoop loop, Log log, String file, Consumer<Boolean> done) {
        this.state = state;
        this.loop = loop;
        this.log = log;
        this.file = file;
        this.done = done;
    }

    /** The initial load (startup step 15): applied at once, before the loop runs. */
    boolean loadNow() {
        return read(state.applier());
    }

    /** Reads the file through {@code handler}; logs a missing or unreadable file (§6.10). */
    private boolean read(DirectiveHandler handler) {
        ReadResult r = new ConfigReader(log).read(Path.of(file), handler);
        // instanceof, not a pattern switch (start-up rule, see the README)
        if (r instanceof ReadResult.Read read) {
            return read.success();
        }
        if (r instanceof ReadResult.Unreadable u) {
            log.warn("Failed opening " + file + ": " + u.reason());
        } else {
            log.notice("Configuration file " + file + " does not exist");
        }
        log.notice("Continuing anyway, waiting for client to connect.");
        return false;
    }

    /** Starts a reload; one requested while another runs follows it. */
    void start() {
        if (busy) {
            again = true;
            return;
        }
        busy = true;
        log.notice("Reloading configuration, please wait ...");
        state.beginReload();
        directives = new ArrayList<>();
        failures = 0;
        next = 0;
        readOk = read(d -> directives.add(d));
        loop.post(this::step);
    }

    private void step() {
        long deadline = System.nanoTime() + SLICE_NANOS;
        while (next < directives.size() && System.nanoTime() - deadline < 0) {
            if (!state.applier().apply(directives.get(next++))) {
                failures++;
            }
        }
        if (next < directives.size()) {
            loop.post(this::step);
        } else {
            finish();
        }
    }

    /** SPEC §11 steps 6-8, then the end of the reload. */
    private void finish() {
        directives = null;
        state.endReload();
        if (readOk && failures > 0) {
            log.warn("Parse error in " + file);
        }
        busy = false;
        done.accept(readOk && failures == 0);
        if (again) {
            again = false;
            start();
        }
    }
}

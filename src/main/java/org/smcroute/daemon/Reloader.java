package org.smcroute.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.smcroute.conf.ConfigReader;
import org.smcroute.conf.Directive;
import org.smcroute.conf.DirectiveHandler;
import org.smcroute.conf.ReadResult;
import org.smcroute.event.Events;
import org.smcroute.log.Log;
import org.smcroute.loop.EventLoop;
import org.smcroute.route.RouteSweep;

/**
 * Configuration loads: the initial one in one go; reloads (SPEC §11) as a mark and sweep that
 * never holds the event loop for more than a slice, so IPC keeps being answered and SIGTERM is
 * honoured throughout. The file is read and parsed on a thread of its own (no daemon state is
 * involved); the lines that changed since the last load are applied first and their routes
 * pushed at once, then every line in file order, then the sweep, each in time slices. A client
 * may wait for a reload's result: its warnings in file order, with the final
 * {@code Parse error}.
 */
final class Reloader {

    /** What a reload ended with: whether the file was read and applied cleanly, and every warning. */
    record Result(boolean clean, List<String> messages) {
    }

    private static final String LINES_IN_ERROR = "has lines in error, which are not in effect";
    /** Longest stretch of reload work before the loop gets a turn. */
    private static final long SLICE_NANOS = 2_000_000L;

    private final State state;
    private final EventLoop loop;
    private final Log log;
    private final String file;
    private final Consumer<Boolean> done;
    /** The lines of the last load, which the next reload compares with. */
    private LineChanges.Prints prints = LineChanges.Prints.NONE;
    /** The running reload's file, from {@link #begin} to {@link #finish}. */
    private ConfigRead read;
    /** What the lines applied first said, by line index, until file order reaches them. */
    private Map<Integer, List<String>> early;
    private RouteSweep sweep;
    private int next;
    private int failures;
    private boolean readOk;
    /** The last read found a file to read (missing and unreadable files are not parse errors). */
    private boolean found;
    private boolean busy;
    private List<String> messages;
    /** How many of the reader's messages were replayed into the log. */
    private int readTaken;
    /** Clients waiting for the running reload, and for the one requested while it runs. */
    private List<Consumer<Result>> waiters = new ArrayList<>();
    private List<Consumer<Result>> waitersAgain = new ArrayList<>();
    private boolean again;
    private Events events = Events.NONE;
    /** How the last load went: null = fine or no file; else what went wrong, for the doctor. */
    private String lastProblem;

    /** {@code done} receives whether the read was successful (§6.10) once a reload ends. */
    Reloader(State state, EventLoop loop, Log log, String file, Consumer<Boolean> done) {
        this.state = state;
        this.loop = loop;
        this.log = log;
        this.file = file;
        this.done = done;
    }

    void setEvents(Events events) {
        this.events = events;
    }

    /**
     * What went wrong with the last load, to follow the file name in a sentence ("has lines in
     * error, ..."), or null when it was read without errors or does not exist.
     */
    String lastProblem() {
        return lastProblem;
    }

    /** The initial load (startup step 15): applied at once, before the loop runs. */
    boolean loadNow() {
        state.takeRejected();
        LineChanges.Recorder lines = new LineChanges.Recorder();
        DirectiveHandler applier = state.applier();
        boolean ok = report(new ConfigReader(log).read(Path.of(file), d -> {
            lines.add(d);
            return applier.apply(d);
        }));
        prints = lines.prints();
        if (found && !ok) {
            log.warn("Parse error in " + file);
        }
        if (state.takeRejected() > 0) {
            lastProblem = LINES_IN_ERROR;
        }
        return ok;
    }

    /**
     * Logs a missing or unreadable file (§6.10) and notes what the doctor reports; sets
     * {@link #found}. The caller logs {@code Parse error} once everything is applied.
     */
    private boolean report(ReadResult r) {
        lastProblem = null;
        found = r instanceof ReadResult.Read;
        // instanceof, not a pattern switch (start-up rule, see the README)
        if (r instanceof ReadResult.Read ok) {
            if (!ok.success() || ok.warnings() > 0) {
                lastProblem = LINES_IN_ERROR;
            }
            return ok.success();
        }
        if (r instanceof ReadResult.Unreadable u) {
            log.warn("Failed opening " + file + ": " + u.reason());
            lastProblem = "cannot be read (" + u.reason() + "), so none of it is in effect";
        } else {
            String text = "Configuration file " + file + " does not exist";
            log.notice(text);
            if (messages != null) {
                messages.add(text);
            }
        }
        log.notice("Continuing anyway, waiting for client to connect.");
        return false;
    }

    /**
     * Starts a reload; one requested while another runs follows it. {@code waiter}, if not
     * null, gets the result of the reload that reads the file after this request.
     */
    void start(Consumer<Result> waiter) {
        if (busy) {
            again = true;
            if (waiter != null) {
                waitersAgain.add(waiter);
            }
            return;
        }
        busy = true;
        if (waiter != null) {
            waiters.add(waiter);
        }
        events.reloadStarted();
        messages = new ArrayList<>();
        log.capture(messages);
        log.notice("Reloading configuration, please wait ...");
        log.capture(null);
        LineChanges.Prints before = prints;
        int level = log.level();
        Thread reader = new Thread(() -> {
            try {
                ConfigRead r = ConfigRead.of(file, before, level);
                loop.post(() -> begin(r));
            } catch (RuntimeException e) {
                loop.post(() -> abandon(e));
            }
        }, "config-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Steps 2-5 with the file read: marks, the changed lines first, then the rest in slices. */
    private void begin(ConfigRead r) {
        read = r;
        next = 0;
        failures = 0;
        readTaken = 0;
        log.capture(messages);
        state.beginReload();
        readOk = report(r.result());
        log.capture(null);
        state.takeRejected();
        prints = r.prints();
        applyFirst();
        loop.post(this::step);
    }

    /**
     * Applies the lines that name a changed (S,G) route, then pushes those routes: the one
     * edited line of a big file reaches the kernel before the other lines are compared.
     */
    private void applyFirst() {
        int[] first = read.first();
        if (first.length == 0) {
            early = null;
            return;
        }
        early = new HashMap<>();
        for (int i : first) {
            List<String> said = new ArrayList<>();
            log.capture(said);
            if (!state.applier().apply(read.directives().get(i))) {
                failures++;
            }
            early.put(i, said);
        }
        log.capture(messages);
        for (int i : first) {
            Directive.Mroute m = (Directive.Mroute) read.directives().get(i);
            state.editor().settle(m.source(), m.group());
        }
        log.capture(null);
    }

    private void step() {
        long deadline = System.nanoTime() + SLICE_NANOS;
        List<Directive> ds = read.directives();
        log.capture(messages);
        while (next < ds.size() && System.nanoTime() - deadline < 0) {
            replayRead(read.marks()[next]);
            List<String> said = early == null ? null : early.remove(next);
            if (said != null) {
                messages.addAll(said);
            } else if (!state.applier().apply(ds.get(next))) {
                failures++;
            }
            next++;
        }
        if (next < ds.size()) {
            log.capture(null);
            loop.post(this::step);
            return;
        }
        replayRead(read.logged().size());
        sweep = state.endReload();
        log.capture(null);
        loop.post(this::sweepStep);
    }

    /** Logs the reader's messages up to position {@code upTo}; the capture keeps the warnings. */
    private void replayRead(int upTo) {
        List<ConfigRead.Logged> logged = read.logged();
        while (readTaken < upTo) {
            ConfigRead.Logged l = logged.get(readTaken++);
            log.log(l.level(), l.text());
        }
    }

    private void sweepStep() {
        log.capture(messages);
        boolean swept = sweep.step(System.nanoTime() + SLICE_NANOS);
        log.capture(null);
        if (swept) {
            sweep = null;
            finish();
        } else {
            loop.post(this::sweepStep);
        }
    }

    /** SPEC §11 steps 7-8, then the end of the reload. */
    private void finish() {
        read = null;
        early = null;
        log.capture(messages);
        state.completeReload();
        boolean ok = readOk && failures == 0;
        if (found && !ok) {
            log.warn("Parse error in " + file);
        }
        log.capture(null);
        if (state.takeRejected() > 0) {
            lastProblem = LINES_IN_ERROR;
        }
        end(new Result(readOk && messages.isEmpty(), List.copyOf(messages)), ok);
    }

    /** The reader failed (a bug, not the file): nothing was changed; the reload is over. */
    private void abandon(RuntimeException e) {
        log.err("Reload abandoned, nothing changed: reading " + file + " failed: " + e);
        messages.add("Reload abandoned, nothing changed: reading " + file + " failed");
        end(new Result(false, List.copyOf(messages)), false);
    }

    private void end(Result result, boolean ok) {
        messages = null;
        busy = false;
        List<Consumer<Result>> answered = waiters;
        waiters = waitersAgain;
        waitersAgain = new ArrayList<>();
        events.reloadDone(ok);
        done.accept(ok);
        for (Consumer<Result> w : answered) {
            w.accept(result);
        }
        if (again) {
            again = false;
            start(null);
        }
    }
}

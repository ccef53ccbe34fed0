package org.smcroute.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.smcroute.conf.ConfigReader;
import org.smcroute.conf.Directive;
import org.smcroute.conf.DirectiveHandler;
import org.smcroute.conf.ReadResult;
import org.smcroute.event.Events;
import org.smcroute.log.Log;
import org.smcroute.loop.EventLoop;

/**
 * Configuration loads: the initial one in one go, reloads (SPEC §11) as a mark and sweep that
 * is applied in time slices, so that a big file never stalls the event loop: IPC keeps being
 * answered and SIGTERM is honoured between slices. A client may wait for a reload's result: the
 * warnings of the reload's own work are kept, in order, with the final {@code Parse error}.
 */
final class Reloader {

    /** What a reload ended with: whether the file was read and applied cleanly, and every warning. */
    record Result(boolean clean, List<String> messages) {
    }

    private static final String LINES_IN_ERROR = "has lines in error, which are not in effect";
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
    /** The last read found a file to read (missing and unreadable files are not parse errors). */
    private boolean found;
    private boolean busy;
    private List<String> messages;
    /**
     * Warnings of the read, which parses the whole file before anything is applied, and per
     * directive how many of them came before it: they join {@link #messages} in file order.
     */
    private List<String> readMessages;
    private List<Integer> readMarks;
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
        boolean ok = read(state.applier());
        if (found && !ok) {
            log.warn("Parse error in " + file);
        }
        if (state.takeRejected() > 0) {
            lastProblem = LINES_IN_ERROR;
        }
        return ok;
    }

    /**
     * Reads the file through {@code handler}; logs a missing or unreadable file (§6.10). Sets
     * {@link #found}; the caller logs {@code Parse error} once everything is applied.
     */
    private boolean read(DirectiveHandler handler) {
        lastProblem = null;
        ReadResult r = new ConfigReader(log).read(Path.of(file), handler);
        found = r instanceof ReadResult.Read;
        // instanceof, not a pattern switch (start-up rule, see the README)
        if (r instanceof ReadResult.Read read) {
            if (!read.success() || read.warnings() > 0) {
                lastProblem = LINES_IN_ERROR;
            }
            return read.success();
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
        state.beginReload();
        log.capture(null);
        state.takeRejected();
        directives = new ArrayList<>();
        readMessages = new ArrayList<>();
        readMarks = new ArrayList<>();
        readTaken = 0;
        failures = 0;
        next = 0;
        log.capture(readMessages);
        readOk = read(d -> {
            readMarks.add(readMessages.size());
            return directives.add(d);
        });
        log.capture(null);
        loop.post(this::step);
    }

    private void step() {
        long deadline = System.nanoTime() + SLICE_NANOS;
        log.capture(messages);
        while (next < directives.size() && System.nanoTime() - deadline < 0) {
            takeReadMessages(readMarks.get(next));
            if (!state.applier().apply(directives.get(next++))) {
                failures++;
            }
        }
        log.capture(null);
        if (next < directives.size()) {
            loop.post(this::step);
        } else {
            finish();
        }
    }

    /** Moves the read's warnings that come before position {@code upTo} into the result. */
    private void takeReadMessages(int upTo) {
        while (readTaken < upTo) {
            messages.add(readMessages.get(readTaken++));
        }
    }

    /** SPEC §11 steps 6-8, then the end of the reload. */
    private void finish() {
        directives = null;
        takeReadMessages(readMessages.size());
        readMessages = null;
        readMarks = null;
        log.capture(messages);
        state.endReload();
        boolean ok = readOk && failures == 0;
        if (found && !ok) {
            log.warn("Parse error in " + file);
        }
        log.capture(null);
        if (state.takeRejected() > 0) {
            lastProblem = LINES_IN_ERROR;
        }
        Result result = new Result(readOk && messages.isEmpty(), List.copyOf(messages));
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

package org.smcroute.sys;

import sun.misc.Signal;

/**
 * Signal handlers via {@code sun.misc.Signal}: an FFM upcall from a C signal handler is not
 * async-signal-safe, and signalfd would need the signal blocked in every JVM thread, including
 * those started before {@code main}. The handler runs on a JVM-internal thread, so it must only
 * post (set a flag, signal an {@link EventFd}).
 */
@SuppressWarnings("removal")
public final class Signals {

    private Signals() {
    }

    /**
     * Runs {@code handler} on each delivery of the named signal ("HUP", "TERM", "INT", ...).
     *
     * @throws IllegalArgumentException if the signal is unknown or reserved by the JVM
     */
    public static void handle(String name, Runnable handler) {
        Signal.handle(new Signal(name), s -> handler.run());
    }

    /** Sends the named signal to this process, for tests. */
    public static void raise(String name) {
        Signal.raise(new Signal(name));
    }
}

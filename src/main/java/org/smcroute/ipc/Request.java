package org.smcroute.ipc;

import java.util.List;

/**
 * One IPC request: a command character ({@code a r j l F H k s S J} of the original, and
 * {@code M E D} of this implementation), its argument words and the header flags
 * ({@link Wire#WANTS_STATUS}). The value the client builds and the daemon executes; {@link Wire}
 * moves it.
 */
public record Request(char cmd, List<String> args, int flags) {

    public Request {
        args = List.copyOf(args);
    }

    /** A request as the original client sends it: no flags. */
    public Request(char cmd, List<String> args) {
        this(cmd, args, 0);
    }
}

package org.smcroute.ipc;

import java.util.List;

/**
 * One IPC request: a command character (SPEC §14.2: {@code a r j l F H k s S J}) and its
 * argument words. The value the client builds and the daemon executes; {@link Wire} moves it.
 */
public record Request(char cmd, List<String> args) {

    public Request {
        args = List.copyOf(args);
    }
}

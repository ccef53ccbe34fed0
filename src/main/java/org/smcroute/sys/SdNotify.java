package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import org.smcroute.kernel.Errno;

/**
 * systemd readiness notification, the protocol of {@code sd_notify(3)}: one datagram with
 * newline-separated {@code KEY=VALUE} assignments to the AF_UNIX socket named in
 * {@code NOTIFY_SOCKET}, a path or, with a leading '@', an abstract name. Written here because the
 * JDK has no AF_UNIX datagram sockets and libsystemd is not a dependency we want.
 */
public final class SdNotify {

    private static final long SUN_PATH = Layouts.offset(Layouts.SOCKADDR_UN, "sun_path");
    private static final int MAX_NAME = 108;

    private final String socket;

    private SdNotify(String socket) {
        this.socket = socket;
    }

    /** The notifier for {@code $NOTIFY_SOCKET}, or null when it is unset or not usable. */
    public static SdNotify fromEnvironment() {
        return of(System.getenv("NOTIFY_SOCKET"));
    }

    /** A notifier for {@code socket} ("/path" or "@abstract"), or null if it is neither. */
    static SdNotify of(String socket) {
        if (socket == null || socket.length() < 2 || (socket.charAt(0) != '/' && socket.charAt(0) != '@')) {
            return null;
        }
        int n = socket.getBytes(StandardCharsets.UTF_8).length;
        if (socket.charAt(0) == '/' ? n >= MAX_NAME || socket.indexOf('\0') >= 0 : n > MAX_NAME) {
            return null;
        }
        return new SdNotify(socket);
    }

    /** The socket name as given, e.g. "/run/systemd/notify" or "@/org/freedesktop/...". */
    public String socket() {
        return socket;
    }

    /**
     * Sends {@code state}, e.g. {@code "READY=1\nSTATUS=..."}, as one datagram. Failures are
     * ignored, like sd_notify's result in the C daemon: the supervisor times out instead.
     */
    public void send(String state) {
        int fd = LibC.socket(Abi.AF_UNIX, Abi.SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = address(a, socket);
            if (LibC.connect(fd, sa, (int) sa.byteSize()) < 0) {
                return;
            }
            byte[] b = state.getBytes(StandardCharsets.UTF_8);
            MemorySegment m = a.allocate(Math.max(1, b.length));
            MemorySegment.copy(b, 0, m, JAVA_BYTE, 0, b.length);
            long r;
            do {
                r = LibC.send(fd, m, b.length, Abi.MSG_NOSIGNAL);
            } while (r == -Errno.EINTR);
        } finally {
            LibC.close(fd);
        }
    }

    /**
     * The {@code sockaddr_un} of a path or '@' abstract name, sliced to the exact address length:
     * an abstract name is the bytes after a leading NUL, and trailing NULs would be part of it.
     */
    static MemorySegment address(Arena a, String socket) {
        boolean abs = socket.charAt(0) == '@';
        byte[] name = (abs ? socket.substring(1) : socket).getBytes(StandardCharsets.UTF_8);
        MemorySegment sa = a.allocate(Layouts.SOCKADDR_UN);
        sa.set(JAVA_SHORT, 0, (short) Abi.AF_UNIX);
        long at = SUN_PATH + (abs ? 1 : 0);
        MemorySegment.copy(name, 0, sa, JAVA_BYTE, at, name.length);
        return sa.asSlice(0, at + name.length + (abs ? 0 : 1));
    }
}

package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDateTime;
import org.smcroute.kernel.Errno;
import org.smcroute.log.Log;
import org.smcroute.text.Bytes;

/**
 * The syslog destination (facility LOG_DAEMON, tagged {@code ident[pid]}), written directly to the
 * {@code /dev/log} datagram socket in the RFC 3164 format glibc's {@code syslog(3)} uses, because
 * the JDK cannot open AF_UNIX datagram sockets. Logging must never take the daemon down: a missing
 * {@code /dev/log} is retried at the next message, and failed sends are dropped. Sends block like
 * glibc's, so messages are not lost while the log daemon is busy.
 */
public final class Syslog implements Log.Sink, AutoCloseable {

    public static final String DEV_LOG = "/dev/log";
    /** LOG_DAEMON, already shifted: PRI = facility * 8 + severity. */
    private static final int LOG_DAEMON = 3 << 3;
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    private final String tag;
    private final String path;
    private final Clock clock;
    private int fd = -1;
    private boolean closed;

    Syslog(String ident, long pid, String path, Clock clock) {
        this.tag = ident + "[" + pid + "]: ";
        this.path = path;
        this.clock = clock;
    }

    /** A sink for {@code /dev/log}; never fails, see {@link #open(String, String)}. */
    public static Syslog open(String ident) {
        return open(ident, DEV_LOG);
    }

    /**
     * A sink sending to the datagram socket at {@code path}. Connecting is tried now and, while
     * it fails (no log daemon yet), again before each message.
     */
    public static Syslog open(String ident, String path) {
        Syslog s = new Syslog(ident, ProcessHandle.current().pid(), path, Clock.systemDefaultZone());
        synchronized (s) {
            s.connect();
        }
        return s;
    }

    /** One datagram per message; errors are swallowed. Safe from any thread. */
    @Override
    public synchronized void write(int level, String message) {
        if (closed) {
            return;
        }
        byte[] b = Bytes.encode(format(level, LocalDateTime.now(clock), message));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(Math.max(1, b.length));
            MemorySegment.copy(b, 0, m, JAVA_BYTE, 0, b.length);
            long r = send(m, b.length);
            if (r == -Errno.ECONNREFUSED || r == -Errno.ENOTCONN || r == -Errno.ECONNRESET) {
                disconnect(); // the log daemon restarted: its socket file is a new one
                send(m, b.length);
            }
        }
    }

    private long send(MemorySegment m, long len) {
        if (fd < 0 && !connect()) {
            return -Errno.ENOTCONN;
        }
        long r;
        do {
            r = LibC.send(fd, m, len, Abi.MSG_NOSIGNAL);
        } while (r == -Errno.EINTR);
        return r;
    }

    /** {@code <PRI>Mmm dd hh:mm:ss ident[pid]: message}, day space-padded, as glibc writes it. */
    String format(int level, LocalDateTime t, String message) {
        StringBuilder sb = new StringBuilder(tag.length() + message.length() + 24);
        sb.append('<').append(LOG_DAEMON | (level & 7)).append('>');
        sb.append(MONTHS[t.getMonthValue() - 1]).append(' ');
        int day = t.getDayOfMonth();
        sb.append(day < 10 ? " " : "").append(day).append(' ');
        two(sb, t.getHour()).append(':');
        two(sb, t.getMinute()).append(':');
        two(sb, t.getSecond()).append(' ');
        return sb.append(tag).append(message).toString();
    }

    private static StringBuilder two(StringBuilder sb, int v) {
        return sb.append(v < 10 ? "0" : "").append(v);
    }

    private boolean connect() {
        int s = LibC.socket(Abi.AF_UNIX, Abi.SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0);
        if (s < 0) {
            return false;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = UnixServer.sockaddr(a, path);
            if (LibC.connect(s, sa, (int) sa.byteSize()) == 0) {
                fd = s;
                return true;
            }
        } catch (IllegalArgumentException e) {
            // a path that cannot be a socket address never connects; messages are dropped
        }
        LibC.close(s);
        return false;
    }

    private void disconnect() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }

    /** True while connected to the log socket (for tests and diagnostics). */
    synchronized boolean connected() {
        return fd >= 0;
    }

    /** Idempotent; later messages are dropped. */
    @Override
    public synchronized void close() {
        closed = true;
        disconnect();
    }
}

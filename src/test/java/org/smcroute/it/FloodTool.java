package org.smcroute.it;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * Multicast from forged sources, run as its own JVM inside the sender namespace:
 * {@code FloodTool flood --count N --rate PPS --seconds S --source A.B.C.D --group A.B.C.D --ttl T
 * [--min M] [--max-seconds X]}. Sends UDP datagrams through a raw IPv4 socket (IPPROTO_RAW, i.e.
 * IP_HDRINCL) whose source is {@code source + i} and group {@code group + (i mod 32768)} for i in
 * 0..N-1, pass after pass, at most PPS packets per second, until S seconds have passed and at
 * least M distinct sources were sent (default N, one full pass), or X seconds in any case
 * (default 10 times S): on a busy machine the kernel's own work per packet slows the sender, and
 * the end must follow the work done, never hang. The kernel routes the datagrams out of the
 * default route's interface and fills in length, id and checksum. Prints "sent TOTAL failed F
 * distinct D passes P in MS ms".
 */
public final class FloodTool {

    private FloodTool() {
    }

    public static void main(String[] args) throws Throwable {
        var opt = McastTool.parse(args);
        int count = Integer.parseInt(opt.get("count").getLast());
        int rate = Integer.parseInt(opt.get("rate").getLast());
        long seconds = Long.parseLong(opt.get("seconds").getLast());
        int source = ipv4(opt.get("source").getLast());
        int group = ipv4(opt.get("group").getLast());
        int ttl = Integer.parseInt(opt.get("ttl").getLast());
        int min = opt.containsKey("min") ? Integer.parseInt(opt.get("min").getLast()) : count;
        long maxSeconds = opt.containsKey("max-seconds") ? Long.parseLong(opt.get("max-seconds").getLast()) : 10 * seconds;

        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle socket = linker.downcallHandle(libc.find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.captureCallState("errno"));
        MethodHandle sendto = linker.downcallHandle(libc.find("sendto").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(Linker.Option.captureStateLayout());
            int fd = (int) socket.invokeExact(errno, 2 /* AF_INET */, 3 /* SOCK_RAW */, 255 /* IPPROTO_RAW */);
            if (fd < 0) {
                throw new IllegalStateException("raw socket: errno " + errno.get(JAVA_INT, 0));
            }
            int len = 20 + 8 + 16;
            MemorySegment pkt = arena.allocate(len);
            pkt.set(JAVA_BYTE, 0, (byte) 0x45);
            pkt.set(JAVA_BYTE, 8, (byte) ttl);
            pkt.set(JAVA_BYTE, 9, (byte) 17); // UDP
            be16(pkt, 20, 4321);
            be16(pkt, 22, 4000);
            be16(pkt, 24, 8 + 16);
            MemorySegment.copy("smcr-it flood   ".getBytes(StandardCharsets.US_ASCII), 0, pkt, JAVA_BYTE, 28, 16);
            MemorySegment to = arena.allocate(16);
            to.set(JAVA_SHORT_UNALIGNED, 0, (short) 2);
            long interval = 1_000_000_000L / Math.max(1, rate);
            long next = System.nanoTime();
            long start = System.nanoTime();
            long sent = 0;
            long failed = 0;
            long stop = start + seconds * 1_000_000_000L;
            long hardStop = start + maxSeconds * 1_000_000_000L;
            int passes = 0;
            int distinct = 0;
            boolean done = false;
            while (!done) {
                for (int i = 0; i < count && !done; i++) {
                    int g = group + (i & 0x7fff);
                    be32(pkt, 12, source + i);
                    be32(pkt, 16, g);
                    be32(to, 4, g);
                    long n = (long) sendto.invokeExact(fd, pkt, (long) len, 0, to, 16);
                    if (n == len) {
                        sent++;
                    } else {
                        failed++; // ENOBUFS under pressure: the flood goes on
                    }
                    next += interval;
                    if ((i & 63) == 63) {
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                    if (i == count - 1) {
                        passes++;
                    }
                    distinct = Math.max(distinct, passes > 0 ? count : i + 1);
                    long now = System.nanoTime();
                    done = (now - stop >= 0 && distinct >= min) || now - hardStop >= 0;
                }
            }
            System.out.println("sent " + sent + " failed " + failed + " distinct " + distinct + " passes " + passes
                    + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
    }

    private static void be16(MemorySegment s, long off, int v) {
        s.set(JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), off, (short) v);
    }

    private static void be32(MemorySegment s, long off, int v) {
        s.set(JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), off, v);
    }

    static int ipv4(String text) {
        String[] p = text.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 | Integer.parseInt(p[3]);
    }
}

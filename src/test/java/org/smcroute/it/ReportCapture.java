package org.smcroute.it;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.smcroute.net.Addr;
import org.smcroute.net.Checksum;

/**
 * Captures IGMPv3 and MLDv2 membership reports and IGMP/MLD queries on the wire, run as its own
 * JVM inside a namespace (the router's neighbour): a packet socket ({@code AF_PACKET},
 * {@code ETH_P_ALL}, through FFM) sees every frame that arrives on the namespace's interfaces.
 * Each group record of a received report is printed as one line
 * {@code igmp3 <record type> <group> [<source> ...]} or {@code mld2 <record type> <group> [<source> ...]}
 * (record types of RFC 3376 / RFC 3810: 3 TO_IN, 4 TO_EX, 5 ALLOW, 6 BLOCK); each query as
 * {@code igmpq <version> <group> ttl=<ttl> ra=<0|1> sum=<ok|bad> from=<source>} or
 * {@code mldq <version> <group> hop=<hop limit> ra=<0|1> from=<source>} (the group 0.0.0.0 or ::
 * for a General Query). Prints "ready" first; exits at EOF on stdin. {@link #start} drives it
 * from a test.
 */
public final class ReportCapture implements AutoCloseable {

    private static final int AF_PACKET = 17;
    private static final int SOCK_RAW = 3;
    private static final int ETH_P_ALL_BE = 0x0300; // htons(0x0003)
    private static final int PACKET_OUTGOING = 4;

    public static void main(String[] args) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle socket = linker.downcallHandle(linker.defaultLookup().findOrThrow("socket"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        MethodHandle recvfrom = linker.downcallHandle(linker.defaultLookup().findOrThrow("recvfrom"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        int fd = (int) socket.invokeExact(AF_PACKET, SOCK_RAW, ETH_P_ALL_BE);
        if (fd < 0) {
            System.err.println("ReportCapture: socket(AF_PACKET) failed");
            System.exit(1);
        }
        Thread stdin = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // only EOF matters
                }
            } catch (IOException e) {
                // as EOF
            }
            System.out.flush();
            System.exit(0);
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();
        System.out.println("ready");
        System.out.flush();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(65536);
            MemorySegment from = arena.allocate(20); // sockaddr_ll
            MemorySegment fromLen = arena.allocate(JAVA_INT);
            while (true) {
                fromLen.set(JAVA_INT, 0, 20);
                long n = (long) recvfrom.invokeExact(fd, buf, 65536L, 0, from, fromLen);
                if (n <= 0) {
                    continue;
                }
                if ((from.get(ValueLayout.JAVA_BYTE, 10) & 0xff) == PACKET_OUTGOING) {
                    continue;
                }
                byte[] frame = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                StringBuilder out = new StringBuilder();
                parse(ByteBuffer.wrap(frame), out);
                if (!out.isEmpty()) {
                    System.out.print(out);
                    System.out.flush();
                }
            }
        }
    }

    /** Appends one line per group record of an IGMPv3 or MLDv2 report in an Ethernet frame. */
    static void parse(ByteBuffer f, StringBuilder out) {
        if (f.limit() < 14) {
            return;
        }
        int type = f.getShort(12) & 0xffff;
        if (type == 0x0800 && f.limit() >= 34) {
            int ihl = (f.get(14) & 0x0f) * 4;
            if ((f.get(14 + 9) & 0xff) != 2) {
                return;
            }
            int igmp = 14 + ihl;
            if (f.limit() < igmp + 8) {
                return;
            }
            if ((f.get(igmp) & 0xff) == 0x11) {
                int len = (f.getShort(14 + 2) & 0xffff) - ihl;
                int version = len >= 12 ? 3 : f.get(igmp + 1) == 0 ? 1 : 2;
                boolean ra = false;
                for (int o = 14 + 20; o < 14 + ihl; o += Math.max(2, f.get(o + 1) & 0xff)) {
                    ra |= (f.get(o) & 0xff) == 0x94;
                }
                byte[] msg = new byte[Math.min(len, f.limit() - igmp)];
                f.get(igmp, msg);
                out.append("igmpq ").append(version).append(' ').append(addr(f, igmp + 4, 4))
                        .append(" ttl=").append(f.get(14 + 8) & 0xff).append(" ra=").append(ra ? 1 : 0)
                        .append(" sum=").append(Checksum.of(msg) == 0 ? "ok" : "bad")
                        .append(" from=").append(addr(f, 14 + 12, 4)).append('\n');
                return;
            }
            if ((f.get(igmp) & 0xff) != 0x22) {
                return;
            }
            records(f, igmp + 8, f.getShort(igmp + 6) & 0xffff, 4, "igmp3", out);
        } else if (type == 0x86dd && f.limit() >= 54) {
            int next = f.get(14 + 6) & 0xff;
            int off = 14 + 40;
            boolean ra = false;
            while ((next == 0 || next == 43 || next == 60) && f.limit() >= off + 2) {
                for (int o = off + 2; next == 0 && o + 1 < off + ((f.get(off + 1) & 0xff) + 1) * 8; ) {
                    ra |= (f.get(o) & 0xff) == 5;
                    o += f.get(o) == 0 ? 1 : 2 + (f.get(o + 1) & 0xff);
                }
                next = f.get(off) & 0xff;
                off += ((f.get(off + 1) & 0xff) + 1) * 8;
            }
            if (next == 58 && f.limit() >= off + 24 && (f.get(off) & 0xff) == 130) {
                int len = 14 + 40 + (f.getShort(14 + 4) & 0xffff) - off;
                out.append("mldq ").append(len >= 28 ? 2 : 1).append(' ').append(addr(f, off + 8, 16))
                        .append(" hop=").append(f.get(14 + 7) & 0xff).append(" ra=").append(ra ? 1 : 0)
                        .append(" from=").append(addr(f, 14 + 8, 16)).append('\n');
                return;
            }
            if (next != 58 || f.limit() < off + 8 || (f.get(off) & 0xff) != 143) {
                return;
            }
            records(f, off + 8, f.getShort(off + 6) & 0xffff, 16, "mld2", out);
        }
    }

    private static void records(ByteBuffer f, int off, int count, int alen, String kind, StringBuilder out) {
        for (int r = 0; r < count && f.limit() >= off + 4 + alen; r++) {
            int rtype = f.get(off) & 0xff;
            int aux = f.get(off + 1) & 0xff;
            int nsrc = f.getShort(off + 2) & 0xffff;
            out.append(kind).append(' ').append(rtype).append(' ').append(addr(f, off + 4, alen));
            for (int s = 0; s < nsrc && f.limit() >= off + 4 + alen * (s + 2); s++) {
                out.append(' ').append(addr(f, off + 4 + alen * (s + 1), alen));
            }
            out.append('\n');
            off += 4 + alen * (nsrc + 1) + aux * 4;
        }
    }

    private static String addr(ByteBuffer f, int off, int len) {
        byte[] a = new byte[len];
        f.get(off, a);
        return Addr.fromBytes(a).toString();
    }

    // ------------------------------------------------------------------ test-side driver

    private final Process process;
    private final Path stderr;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ReportCapture(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
    }

    /** Starts a capture in {@code ns}; returns once it listens. */
    public static ReportCapture start(Netns ns) {
        Path home = Project.home();
        List<String> cmd = new ArrayList<>(List.of(Project.java(), "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto",
                "-cp", home.resolve("target/test-classes") + ":" + home.resolve("target/classes"),
                ReportCapture.class.getName()));
        try {
            Path err = Files.createTempFile("smcr-capture", ".err");
            ReportCapture c = new ReportCapture(ns.start(new ProcessBuilder(cmd).redirectError(err.toFile())), err);
            Thread.ofPlatform().daemon().name("capture-stdout").start(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(c.process.getInputStream(), StandardCharsets.US_ASCII))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        c.lines.add(line);
                    }
                } catch (IOException e) {
                    // process gone
                }
            });
            It.await(Duration.ofSeconds(15), () -> "capture did not start" + c.diagnostics(),
                    () -> c.lines.contains("ready") || !c.process.isAlive());
            if (!c.process.isAlive()) {
                throw new IllegalStateException("capture died" + c.diagnostics());
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every record line captured so far. */
    public List<String> records() {
        List<String> r = new ArrayList<>(lines);
        r.remove("ready");
        return r;
    }

    /** The captured lines starting with {@code prefix}. */
    public List<String> lines(String prefix) {
        List<String> r = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith(prefix)) {
                r.add(l);
            }
        }
        return r;
    }

    /** Waits until every one of {@code wanted} has been captured. */
    public void await(String... wanted) {
        It.await(() -> "reports " + Arrays.toString(wanted) + " not all seen, have " + records(),
                () -> records().containsAll(List.of(wanted)));
    }

    private String diagnostics() {
        try {
            return "\n--- capture stderr\n" + Files.readString(stderr);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try (OutputStream in = process.getOutputStream()) {
            in.flush();
        } catch (IOException e) {
            // gone already
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Exec.deleteQuietly(stderr);
    }
}

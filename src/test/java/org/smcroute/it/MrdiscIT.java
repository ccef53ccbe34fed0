package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.smcroute.mrdisc.Mrdisc;
import org.smcroute.net.Addr;
import org.smcroute.net.Checksum;
import org.smcroute.sys.MrdiscProbe;

/**
 * Multicast Router Discovery on the wire: the daemon runs with {@code phyint eth1 enable mrdisc}
 * and {@code -m 4}; {@link MrdiscProbe} captures on the neighbour's end of the link (AF_PACKET, so
 * IP headers, options and the Hop-by-Hop header are visible) and sends Solicitations.
 */
@ExtendWith(NetnsExtension.class)
class MrdiscIT {

    static final HexFormat HEX = HexFormat.of();
    static final int INTERVAL = 4;
    static final int IGMP_QRV = 3;

    /** One captured IPv4 or IPv6 packet, bytes from the IP header on. */
    record Pkt(long ms, byte[] data) {
        boolean v6() {
            return (data[0] & 0xff) >> 4 == 6;
        }

        /** The 8-byte IGMP or ICMPv6 message. */
        byte[] msg() {
            int at = v6() ? 48 : (data[0] & 0x0f) * 4;
            return Arrays.copyOfRange(data, at, at + 8);
        }

        int type() {
            return msg()[0] & 0xff;
        }

        @Override
        public String toString() {
            return ms + " " + HEX.formatHex(data);
        }
    }

    /** The probe JVM in the neighbour namespace; see {@link MrdiscProbe}. */
    static final class Probe implements AutoCloseable {
        private final Process process;
        private final OutputStream stdin;
        private final Path stderr;
        private final List<Pkt> packets = new ArrayList<>();
        private final List<Long> sent = new ArrayList<>();
        private boolean ready;

        Probe(Netns ns, String ifname) {
            Path home = Project.home();
            try {
                stderr = Files.createTempFile("smcr-probe", ".err");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            process = ns.start(new ProcessBuilder(Project.java(), "--enable-native-access=ALL-UNNAMED",
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                    "-cp", home.resolve("target/test-classes") + ":" + home.resolve("target/classes"),
                    MrdiscProbe.class.getName(), ifname).redirectError(stderr.toFile()));
            stdin = process.getOutputStream();
            Thread.ofPlatform().daemon().name("probe-stdout").start(this::readLines);
            await("probe start", 15_000, () -> ready);
        }

        private void readLines() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String line; (line = r.readLine()) != null; ) {
                    String[] f = line.split(" ");
                    synchronized (this) {
                        switch (f[0]) {
                            case "ready" -> ready = true;
                            case "sent" -> sent.add(Long.parseLong(f[1]));
                            // pkttype 4 = PACKET_OUTGOING: the probe's own Solicitations
                            case "pkt" -> {
                                if (!f[2].equals("4")) {
                                    packets.add(new Pkt(Long.parseLong(f[1]), HEX.parseHex(f[3])));
                                }
                            }
                            default -> System.err.println("probe: " + line);
                        }
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the probe is gone
            }
        }

        synchronized List<Pkt> packets(Predicate<Pkt> which) {
            return packets.stream().filter(which).toList();
        }

        /** Sends a Solicitation and returns the time the probe sent it. */
        long solicit(boolean v6) {
            int before;
            synchronized (this) {
                before = sent.size();
            }
            try {
                stdin.write((v6 ? "solicit6\n" : "solicit4\n").getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            await("solicitation sent", 5_000, () -> sent.size() > before);
            synchronized (this) {
                return sent.get(before);
            }
        }

        /** Waits until {@code cond} (evaluated under the probe's lock) holds. */
        synchronized void await(String what, long timeoutMs, BooleanSupplier cond) {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (!cond.getAsBoolean()) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || !process.isAlive() && !cond.getAsBoolean()) {
                    throw new AssertionError("timeout waiting for " + what + "; captured " + packets + diagnostics());
                }
                try {
                    wait(Math.min(left, 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted");
                }
            }
        }

        private String diagnostics() {
            try {
                return "\n--- probe stderr\n" + Files.readString(stderr);
            } catch (IOException e) {
                return "";
            }
        }

        @Override
        public void close() {
            try {
                stdin.close();
                if (!process.waitFor(3, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                process.destroyForcibly();
            } finally {
                Exec.deleteQuietly(stderr);
            }
        }
    }

    static Predicate<Pkt> is(boolean v6, int type) {
        return p -> p.v6() == v6 && p.type() == type;
    }

    @Test
    void announcesAnswersSolicitationsAndTerminatesOnBothFamilies() {
        try (Topology t = Topology.create(1)) {
            Netns router = t.router();
            router.sh("sysctl -qw net.ipv4.igmp_qrv=" + IGMP_QRV);
            // mld_qrv is not a per-namespace sysctl on every kernel: then the daemon uses 2
            int mldQrv = Integer.parseInt(router.sh("cat /proc/sys/net/ipv6/mld_qrv 2>/dev/null || echo 2").out().strip());
            try (Probe probe = new Probe(t.receiver(1).host(), "eth0");
                 Daemon d = Daemon.start(router, "phyint eth1 enable mrdisc\n", "-m", String.valueOf(INTERVAL))) {
                long ready = System.currentTimeMillis();
                Predicate<Pkt> adv4 = is(false, Mrdisc.ADVERTISEMENT);
                Predicate<Pkt> adv6 = is(true, Mrdisc.ADVERTISEMENT6);

                // at once, then every interval
                probe.await("3 advertisements per family", 3 * INTERVAL * 1000 + 2000,
                        () -> probe.packets.stream().filter(adv4).count() >= 3
                                && probe.packets.stream().filter(adv6).count() >= 3);
                for (Predicate<Pkt> adv : List.of(adv4, adv6)) {
                    List<Pkt> a = probe.packets(adv);
                    assertThat(a.get(0).ms()).as("first advertisement at registration").isLessThan(ready + 1000);
                    assertThat(a.get(1).ms() - a.get(0).ms()).as("gap " + a).isBetween(3000L, 4600L);
                    assertThat(a.get(2).ms() - a.get(1).ms()).as("gap " + a).isBetween(3600L, 4400L);
                }
                probe.packets(adv4).forEach(p -> checkV4(p, Mrdisc.ADVERTISEMENT, INTERVAL, IGMP_QRV));
                probe.packets(adv6).forEach(p -> checkV6(p, Mrdisc.ADVERTISEMENT6, INTERVAL, mldQrv));

                // a Solicitation, sent a second after a periodic Advertisement, is answered at once
                for (boolean v6 : new boolean[] {false, true}) {
                    Predicate<Pkt> adv = v6 ? adv6 : adv4;
                    long last = probe.packets(adv).getLast().ms();
                    Mcast.sleep(Math.max(0, last + 1000 - System.currentTimeMillis()));
                    long asked = probe.solicit(v6);
                    probe.await("answer to a solicitation", 2000,
                            () -> probe.packets.stream().filter(adv).anyMatch(p -> p.ms() >= asked));
                    Pkt answer = probe.packets(adv).stream().filter(p -> p.ms() >= asked).findFirst().orElseThrow();
                    assertThat(answer.ms() - asked).as("answer delay").isLessThan(700);
                    assertThat(answer.ms() - last).as("not the periodic one").isLessThan(INTERVAL * 1000 - 500);
                }

                // a reload that drops the keyword terminates, one that restores it announces at once
                d.reload("phyint eth1 enable\n");
                awaitTerminations(probe, 1);
                long restored = System.currentTimeMillis();
                d.reload("phyint eth1 enable mrdisc\n");
                probe.await("advertisements after the reload", 3000,
                        () -> probe.packets.stream().anyMatch(adv4.and(p -> p.ms() >= restored))
                                && probe.packets.stream().anyMatch(adv6.and(p -> p.ms() >= restored)));

                // Termination at exit
                d.stopCleanly();
                awaitTerminations(probe, 2);
                probe.packets(is(false, Mrdisc.TERMINATION)).forEach(p -> checkV4(p, Mrdisc.TERMINATION, 0, 0));
                probe.packets(is(true, Mrdisc.TERMINATION6)).forEach(p -> checkV6(p, Mrdisc.TERMINATION6, 0, 0));
                assertThat(d.log()).doesNotContain("mrdisc: cannot", "Failed sending");
            }
        }
    }

    static void awaitTerminations(Probe probe, int n) {
        probe.await(n + " termination(s) per family", 3000,
                () -> probe.packets.stream().filter(is(false, Mrdisc.TERMINATION)).count() == n
                        && probe.packets.stream().filter(is(true, Mrdisc.TERMINATION6)).count() == n);
    }

    /** IPv4 header with TTL 1 and a Router Alert, to 224.0.0.106; then the 8-byte IGMP message. */
    static void checkV4(Pkt p, int type, int interval, int robustness) {
        byte[] d = p.data();
        assertThat((d[0] & 0x0f) * 4).as("IP header length with a 4-byte option " + p).isEqualTo(24);
        assertThat(d[8]).as("TTL " + p).isEqualTo((byte) 1);
        assertThat(d[9]).as("protocol IGMP " + p).isEqualTo((byte) 2);
        assertThat(HEX.formatHex(d, 16, 20)).as("destination " + p).isEqualTo("e000006a");
        assertThat(HEX.formatHex(d, 20, 24)).as("Router Alert option " + p).isEqualTo("94040000");
        byte[] m = p.msg();
        assertThat(m[0] & 0xff).isEqualTo(type);
        assertThat(m[1] & 0xff).as("interval " + p).isEqualTo(interval);
        assertThat(Checksum.of(m)).as("checksum " + p).isZero();
        assertThat(((m[4] & 0xff) << 8) | (m[5] & 0xff)).as("query interval " + p).isEqualTo(interval == 0 ? 0 : 125);
        assertThat(((m[6] & 0xff) << 8) | (m[7] & 0xff)).as("robustness " + p).isEqualTo(robustness);
    }

    /** IPv6 from a link-local address to ff02::6a, hop limit 1, Hop-by-Hop Router Alert; ICMPv6, same 8-byte layout. */
    static void checkV6(Pkt p, int type, int interval, int robustness) {
        byte[] d = p.data();
        assertThat(d[6]).as("next header Hop-by-Hop " + p).isEqualTo((byte) 0);
        assertThat(d[7]).as("hop limit " + p).isEqualTo((byte) 1);
        assertThat(d[8] & 0xff).as("link-local source " + p).isEqualTo(0xfe);
        assertThat(d[9] & 0xc0).as("link-local source " + p).isEqualTo(0x80);
        assertThat(HEX.formatHex(d, 24, 40)).as("destination " + p).isEqualTo("ff02000000000000000000000000006a");
        assertThat(HEX.formatHex(d, 40, 48)).as("Hop-by-Hop Router Alert " + p).isEqualTo("3a00050200000100");
        byte[] m = p.msg();
        assertThat(m[0] & 0xff).isEqualTo(type);
        assertThat(m[1] & 0xff).as("interval " + p).isEqualTo(interval);
        assertThat(((m[4] & 0xff) << 8) | (m[5] & 0xff)).as("query interval " + p).isEqualTo(interval == 0 ? 0 : 125);
        assertThat(((m[6] & 0xff) << 8) | (m[7] & 0xff)).as("robustness " + p).isEqualTo(robustness);
        // the kernel's ICMPv6 checksum covers the pseudo-header
        Addr src = Addr.fromBytes(Arrays.copyOfRange(d, 8, 24));
        Addr dst = Addr.fromBytes(Arrays.copyOfRange(d, 24, 40));
        assertThat(Checksum.icmp6(src, dst, m, 0, m.length)).as("ICMPv6 checksum " + p).isZero();
    }
}

package org.smcroute.it;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;
import org.smcroute.net.Addr;
import org.smcroute.net.Checksum;

/**
 * IGMPv3 or MLDv2 reports made by hand, sent as whole IP packets through a packet socket, run as
 * its own JVM inside a host namespace:
 * {@code ReportFlood flood --iface IF --source ADDR --group G --span K --count N --rate PPS --kind KIND}.
 * Sends N reports (IS_EX, one record) for the groups G .. G+K-1 in turn, at most PPS per second,
 * to 224.0.0.22 or ff02::16. KIND is {@code valid}, {@code v2} (IGMPv2 reports, each to its
 * group, as older hosts and the Debian igmpproxy's hosts send them), or a fault: {@code checksum} (wrong),
 * {@code short} (a record cut off, checksum right), {@code ttl} (TTL / hop limit 2),
 * {@code nora} (no Router Alert), {@code source} (IPv6 only: the source is taken as given, so
 * pass a global one). ADDR is the IPv4 source, or the IPv6 one (link-local for a valid report).
 * Prints "sent N failed F in MS ms".
 */
public final class ReportFlood {

    private static final int AF_PACKET = 17;
    private static final int SOCK_DGRAM = 2;

    private ReportFlood() {
    }

    public static void main(String[] args) throws Throwable {
        var opt = McastTool.parse(args);
        String iface = opt.get("iface").getLast();
        Addr src = Addr.parse(opt.get("source").getLast());
        Addr group = Addr.parse(opt.get("group").getLast());
        int span = Integer.parseInt(opt.get("span").getLast());
        int count = Integer.parseInt(opt.get("count").getLast());
        int rate = Integer.parseInt(opt.get("rate").getLast());
        String kind = opt.get("kind").getLast();
        boolean v6 = group.v6();

        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle socket = linker.downcallHandle(libc.find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        MethodHandle sendto = linker.downcallHandle(libc.find("sendto").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle nametoindex = linker.downcallHandle(libc.find("if_nametoindex").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        int ethType = v6 ? 0x86dd : 0x0800;
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) socket.invokeExact(AF_PACKET, SOCK_DGRAM, (int) Short.reverseBytes((short) ethType) & 0xffff);
            if (fd < 0) {
                throw new IllegalStateException("packet socket failed");
            }
            int ifindex = (int) nametoindex.invokeExact(arena.allocateFrom(iface));
            MemorySegment ll = arena.allocate(20, 4); // sockaddr_ll
            ll.set(JAVA_SHORT, 0, (short) AF_PACKET);
            ll.set(JAVA_SHORT, 2, Short.reverseBytes((short) ethType));
            ll.set(JAVA_INT, 4, ifindex);
            ll.set(JAVA_BYTE, 11, (byte) 6);
            byte[] mac = v6 ? new byte[] {0x33, 0x33, 0, 0, 0, 0x16} : new byte[] {1, 0, 0x5e, 0, 0, 0x16};
            MemorySegment.copy(mac, 0, ll, JAVA_BYTE, 12, 6);
            MemorySegment buf = arena.allocate(256);
            long interval = 1_000_000_000L / Math.max(1, rate);
            long start = System.nanoTime();
            long next = start;
            int failed = 0;
            for (int i = 0; i < count; i++) {
                Addr g = group.plus(i % span);
                byte[] p = v6 ? mld(src, g, kind) : kind.equals("v2") ? igmp2(src, g) : igmp(src, g, kind);
                if (kind.equals("v2")) {
                    byte[] a = g.toBytes(); // 01:00:5e and the low 23 bits of the group
                    ll.set(JAVA_BYTE, 15, (byte) (a[1] & 0x7f));
                    ll.set(JAVA_BYTE, 16, a[2]);
                    ll.set(JAVA_BYTE, 17, a[3]);
                }
                MemorySegment.copy(p, 0, buf, JAVA_BYTE, 0, p.length);
                long n = (long) sendto.invokeExact(fd, buf, (long) p.length, 0, ll, 20);
                if (n < 0) {
                    failed++;
                }
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            System.out.println("sent " + count + " failed " + failed + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        }
    }

    /** IPv4 header (with Router Alert unless {@code nora}) and an IGMPv3 report IS_EX(group). */
    static byte[] igmp(Addr src, Addr group, String kind) {
        boolean ra = !kind.equals("nora");
        int ihl = ra ? 24 : 20;
        ByteBuffer m = ByteBuffer.allocate(16);
        m.put((byte) 0x22).put((byte) 0).putShort((short) 0).putShort((short) 0)
                .putShort((short) (kind.equals("short") ? 2 : 1));
        m.put((byte) 2).put((byte) 0).putShort((short) 0).put(group.toBytes());
        byte[] msg = m.array();
        int sum = Checksum.of(msg);
        msg[2] = (byte) (sum >> 8);
        msg[3] = (byte) (kind.equals("checksum") ? sum + 1 : sum);
        ByteBuffer ip = ByteBuffer.allocate(ihl + msg.length);
        ip.put((byte) (0x40 | ihl / 4)).put((byte) 0xc0).putShort((short) (ihl + msg.length)).putInt(0)
                .put((byte) (kind.equals("ttl") ? 2 : 1)).put((byte) 2).putShort((short) 0)
                .put(src.toBytes()).put(Addr.parse("224.0.0.22").toBytes());
        if (ra) {
            ip.put((byte) 0x94).put((byte) 4).putShort((short) 0);
        }
        byte[] h = ip.array();
        int hs = Checksum.of(h, 0, ihl);
        h[10] = (byte) (hs >> 8);
        h[11] = (byte) hs;
        System.arraycopy(msg, 0, h, ihl, msg.length);
        return h;
    }

    /** IPv4 header with Router Alert and an IGMPv2 report for {@code group}, sent to the group. */
    static byte[] igmp2(Addr src, Addr group) {
        byte[] msg = new byte[8];
        msg[0] = 0x16;
        System.arraycopy(group.toBytes(), 0, msg, 4, 4);
        int sum = Checksum.of(msg);
        msg[2] = (byte) (sum >> 8);
        msg[3] = (byte) sum;
        ByteBuffer ip = ByteBuffer.allocate(24 + 8);
        ip.put((byte) 0x46).put((byte) 0xc0).putShort((short) 32).putInt(0).put((byte) 1).put((byte) 2).putShort((short) 0)
                .put(src.toBytes()).put(group.toBytes()).put((byte) 0x94).put((byte) 4).putShort((short) 0);
        byte[] h = ip.array();
        int hs = Checksum.of(h, 0, 24);
        h[10] = (byte) (hs >> 8);
        h[11] = (byte) hs;
        System.arraycopy(msg, 0, h, 24, 8);
        return h;
    }

    /** IPv6 header, Hop-by-Hop Router Alert (unless {@code nora}) and an MLDv2 report IS_EX(group). */
    static byte[] mld(Addr src, Addr group, String kind) {
        Addr dst = Addr.parse("ff02::16");
        ByteBuffer m = ByteBuffer.allocate(28);
        m.put((byte) 143).put((byte) 0).putShort((short) 0).putShort((short) 0)
                .putShort((short) (kind.equals("short") ? 2 : 1));
        m.put((byte) 2).put((byte) 0).putShort((short) 0).put(group.toBytes());
        byte[] msg = m.array();
        int sum = Checksum.icmp6(src, dst, msg, 0, msg.length);
        msg[2] = (byte) (sum >> 8);
        msg[3] = (byte) (kind.equals("checksum") ? sum + 1 : sum);
        boolean ra = !kind.equals("nora");
        byte[] hbh = {58, 0, 5, 2, 0, 0, 1, 0};
        int payload = msg.length + (ra ? hbh.length : 0);
        ByteBuffer ip = ByteBuffer.allocate(40 + payload);
        ip.putInt(6 << 28).putShort((short) payload).put((byte) (ra ? 0 : 58))
                .put((byte) (kind.equals("ttl") ? 2 : 1)).put(src.toBytes()).put(dst.toBytes());
        if (ra) {
            ip.put(hbh);
        }
        return ip.put(msg).array();
    }
}

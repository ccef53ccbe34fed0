package org.smcroute.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.charset.StandardCharsets;
import org.smcroute.it.McastTool;

/**
 * A host behind a proxy, for the join and leave latencies: run as its own JVM in a host
 * namespace ({@code ProxyProbe probe --iface IF --group G --port P}). A packet socket sees every
 * datagram to G:P that reaches the interface, joined or not, so the last packet after a leave is
 * seen on the wire. Commands on stdin, one answer line each: {@code join} (an ordinary socket
 * joins: "joined"), {@code leave} ("left"), {@code first} ("first MS": the first packet after the
 * join, -1 while none), {@code last} ("last MS QUIET": the last packet after the leave, -1 when
 * none, and how long ago the last packet came); EOF exits.
 */
public final class ProxyProbe {

    private static final int AF_PACKET = 17;
    private static final int SOCK_DGRAM = 2;
    private static final int ETH_P_IP = 0x0800;

    private static volatile long lastPacket;
    private static volatile long firstAfterJoin;
    private static volatile long joinedAt = Long.MAX_VALUE;

    private ProxyProbe() {
    }

    public static void main(String[] args) throws Throwable {
        var opt = McastTool.parse(args);
        String iface = opt.get("iface").getLast();
        InetAddress group = InetAddress.ofLiteral(opt.get("group").getLast());
        int port = Integer.parseInt(opt.get("port").getLast());
        NetworkInterface nif = NetworkInterface.getByName(iface);
        byte[] g = group.getAddress();

        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle socket = linker.downcallHandle(libc.find("socket").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        MethodHandle bind = linker.downcallHandle(libc.find("bind").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle recv = linker.downcallHandle(libc.find("recv").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        int proto = Short.toUnsignedInt(Short.reverseBytes((short) ETH_P_IP));
        int fd = (int) socket.invokeExact(AF_PACKET, SOCK_DGRAM, proto);
        Arena arena = Arena.global();
        MemorySegment ll = arena.allocate(20, 4);
        ll.set(JAVA_SHORT, 0, (short) AF_PACKET);
        ll.set(JAVA_SHORT, 2, (short) proto);
        ll.set(JAVA_INT, 4, nif.getIndex());
        if (fd < 0 || (int) bind.invokeExact(fd, ll, 20) < 0) {
            throw new IllegalStateException("packet socket on " + iface + " failed");
        }
        Thread capture = new Thread(() -> {
            MemorySegment buf = arena.allocate(2048);
            try {
                while (true) {
                    long n = (long) recv.invokeExact(fd, buf, 2048L, 0);
                    int ihl = (buf.get(JAVA_BYTE, 0) & 0x0f) * 4;
                    if (n < ihl + 8 || buf.get(JAVA_BYTE, 9) != 17) {
                        continue;
                    }
                    boolean match = ((buf.get(JAVA_BYTE, ihl + 2) & 0xff) << 8 | (buf.get(JAVA_BYTE, ihl + 3) & 0xff)) == port;
                    for (int i = 0; i < 4 && match; i++) {
                        match = buf.get(JAVA_BYTE, 16 + i) == g[i];
                    }
                    if (match) {
                        long now = System.nanoTime();
                        lastPacket = now;
                        if (firstAfterJoin == 0 && now > joinedAt) {
                            firstAfterJoin = now;
                        }
                    }
                }
            } catch (Throwable t) {
                System.exit(3);
            }
        }, "capture");
        capture.setDaemon(true);
        capture.start();

        long leftAt = 0;
        MembershipKey key = null;
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(port));
            System.out.println("ready");
            System.out.flush();
            for (String line; (line = in.readLine()) != null; ) {
                switch (line.strip()) {
                    case "join" -> {
                        firstAfterJoin = 0;
                        joinedAt = System.nanoTime();
                        key = ch.join(group, nif);
                        System.out.println("joined");
                    }
                    case "leave" -> {
                        joinedAt = Long.MAX_VALUE;
                        leftAt = System.nanoTime();
                        key.drop();
                        System.out.println("left");
                    }
                    case "first" -> {
                        long f = firstAfterJoin;
                        System.out.println("first " + (f == 0 ? -1 : (f - joinedAt) / 1_000_000.0));
                    }
                    case "last" -> {
                        long l = lastPacket;
                        long now = System.nanoTime();
                        System.out.println("last " + (l < leftAt ? -1 : (l - leftAt) / 1_000_000.0) + " "
                                + (now - l) / 1_000_000);
                    }
                    default -> System.out.println("error " + line);
                }
                System.out.flush();
            }
        }
    }
}

package org.smcroute.bench;

import java.io.IOException;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.MembershipSocket;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;
import org.smcroute.sys.LinuxKernel;

/**
 * The floor for group joins: nothing but the join (and leave) calls through the daemon's own
 * {@link LinuxKernel}, pooled 20 per socket as the daemon does, in a JVM started with the daemon's
 * flags. Run as root inside a fresh namespace: {@code JoinFloor IFNAME N [SOURCE]} prints
 * {@code floor N JOIN_NANOS LEAVE_NANOS IGMP_BEFORE IGMP_JOINED IGMP_AFTER COLD_NANOS} where the
 * times cover the join loop (sockets opened as needed inside it) and the leave loop (each socket
 * closed once empty, as the daemon does), IGMP_* count the memberships in /proc/net/igmp, and
 * COLD_NANOS is the untimed warm-up before the loops: one socket opened, one join and leave of
 * another group, closed (class loading and linking of the native calls, about 140 ms in a fresh
 * JVM, which would otherwise dominate the loop). The groups are those of {@link JoinBench#group}.
 */
public final class JoinFloor {

    private static final int PER_SOCKET = 20;

    private JoinFloor() {
    }

    public static void main(String[] args) throws Exception {
        int ifindex = NetworkInterface.getByName(args[0]).getIndex();
        int n = Integer.parseInt(args[1]);
        Addr source = args.length > 2 ? Addr.parse(args[2]) : null;
        Addr[] groups = new Addr[n];
        for (int i = 0; i < n; i++) {
            groups[i] = Addr.ofIpv4(JoinBench.group(source != null, i));
        }
        MembershipSocket[] socks = new MembershipSocket[(n + PER_SOCKET - 1) / PER_SOCKET];
        int before = igmpGroups();
        {
            LinuxKernel k = new LinuxKernel(new Log(Log.ERR));
            long c0 = System.nanoTime();
            Addr other = Addr.ofIpv4(JoinBench.group(source != null, 0) | 0xFFFF);
            try (MembershipSocket w = k.openMembership(Family.INET)) {
                w.join(ifindex, source, other);
                w.leave(ifindex, source, other);
            }
            long cold = System.nanoTime() - c0;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (i % PER_SOCKET == 0) {
                    socks[i / PER_SOCKET] = k.openMembership(Family.INET);
                }
                socks[i / PER_SOCKET].join(ifindex, source, groups[i]);
            }
            long t1 = System.nanoTime();
            int joined = igmpGroups();
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                socks[i / PER_SOCKET].leave(ifindex, source, groups[i]);
                if (i % PER_SOCKET == PER_SOCKET - 1 || i == n - 1) {
                    socks[i / PER_SOCKET].close();
                }
            }
            long t3 = System.nanoTime();
            System.out.println("floor " + n + " " + (t1 - t0) + " " + (t3 - t2) + " " + before + " " + joined + " " + igmpGroups() + " " + cold);
        }
    }

    /** Memberships (device × group lines) in this namespace's /proc/net/igmp. */
    static int igmpGroups() throws IOException {
        return JoinBench.igmpGroups(Files.readString(Path.of("/proc/net/igmp")));
    }
}

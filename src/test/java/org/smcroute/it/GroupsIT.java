package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.smcroute.net.Addr;

/**
 * Group membership on the real kernel: configured and runtime joins, ASM and SSM, IPv4 and IPv6,
 * appear in and leave /proc/net/igmp, igmp6, mcfilter, mcfilter6 and {@code ip maddr} exactly; the
 * membership reports really go out on the wire (captured in the neighbour namespace); wrong leaves
 * are refused with their exact texts; show output; and thousands of joins and leaves leave neither
 * a socket nor a membership behind.
 */
@ExtendWith(NetnsExtension.class)
class GroupsIT {

    /** One kernel membership: interface, group, and the SSM source or null. */
    record Member(String dev, String group, String source) {
    }

    @Test
    void joinsAndLeavesShowInTheKernelOnTheWireAndInShow() {
        try (Topology t = Topology.create(1);
             ReportCapture cap = ReportCapture.start(t.sender().host())) {
            Netns r = t.router();
            Set<Member> base = memberships(r);
            // SSM lines last per family: see memberships() on why the kernel must list them first.
            try (Daemon d = Daemon.start(r, """
                    mgroup from eth0 group 225.1.2.3
                    mgroup from eth0 group 225.9.0.1/30
                    mgroup from eth0 source 10.0.0.2 group 225.1.2.4
                    mgroup from eth0 group ff0e::1:3
                    mgroup from eth0 group ff0e::9:0/126
                    ssmgroup from eth0 source fd00::2 group ff0e::1:4
                    """)) {
                Ctl ctl = d.ctl();
                List<Member> conf = List.of(
                        new Member("eth0", "225.1.2.3", null), new Member("eth0", "225.1.2.4", "10.0.0.2"),
                        new Member("eth0", "225.9.0.0", null), new Member("eth0", "225.9.0.1", null),
                        new Member("eth0", "225.9.0.2", null), new Member("eth0", "225.9.0.3", null),
                        new Member("eth0", "ff0e::1:3", null), new Member("eth0", "ff0e::1:4", "fd00::2"),
                        new Member("eth0", "ff0e::9:0", null), new Member("eth0", "ff0e::9:1", null),
                        new Member("eth0", "ff0e::9:2", null), new Member("eth0", "ff0e::9:3", null));
                assertThat(memberships(r)).isEqualTo(union(base, conf));
                String maddr = r.exec("ip", "maddr", "show", "dev", "eth0").ok().out();
                assertThat(maddr).contains("inet  225.1.2.3", "inet  225.1.2.4", "inet  225.9.0.0", "inet  225.9.0.3",
                        "inet6 ff0e::1:3", "inet6 ff0e::1:4", "inet6 ff0e::9:0", "inet6 ff0e::9:3");
                // The reports left the router: ASM joins are TO_EXCLUDE({}), SSM joins ALLOW(S).
                cap.await("igmp3 4 225.1.2.3", "igmp3 5 225.1.2.4 10.0.0.2", "igmp3 4 225.9.0.0", "igmp3 4 225.9.0.1",
                        "igmp3 4 225.9.0.2", "igmp3 4 225.9.0.3", "mld2 4 ff0e::1:3", "mld2 5 ff0e::1:4 fd00::2",
                        "mld2 4 ff0e::9:0", "mld2 4 ff0e::9:3");

                // show groups: configured lengths and strings, kernel joins expanded
                It.Wire groups = new It.Wire().title("Group Memberships Table")
                        .heading(It.left("GROUP (S,G)", 42) + " " + It.left("IIF", 16))
                        .data(row("(*, 225.1.2.3)")).data(row("(*, 225.9.0.1/30)")).data(row("(10.0.0.2, 225.1.2.4)"))
                        .data(row("(*, ff0e::1:3)")).data(row("(*, ff0e::9:0/126)")).data(row("(fd00::2, ff0e::1:4)"));
                assertThat(ctl.run("-p", "show", "groups").ok().out()).isEqualTo(groups.plain());
                groups.title("Kernel Group Membership Table")
                        .data(row("(*, 225.1.2.3)"))
                        .data(row("(*, 225.9.0.0/30)")).data(row("(*, 225.9.0.1/30)")).data(row("(*, 225.9.0.2/30)")).data(row("(*, 225.9.0.3/30)"))
                        .data(row("(10.0.0.2, 225.1.2.4)"))
                        .data(row("(*, ff0e::1:3)"))
                        .data(row("(*, ff0e::9:0/126)")).data(row("(*, ff0e::9:1/126)")).data(row("(*, ff0e::9:2/126)")).data(row("(*, ff0e::9:3/126)"))
                        .data(row("(fd00::2, ff0e::1:4)"));
                assertThat(ctl.run("-p", "-d", "show", "groups").ok().out()).isEqualTo(groups.plain());
                assertThat(ctl.run("-j", "show", "groups").ok().out()).isEqualTo("{\"groups\":{\"conf\":["
                        + g(null, "225.1.2.3") + "," + g(null, "225.9.0.1/30") + "," + g("10.0.0.2", "225.1.2.4") + ","
                        + g(null, "ff0e::1:3") + "," + g(null, "ff0e::9:0/126") + "," + g("fd00::2", "ff0e::1:4")
                        + "],\"kernel\":["
                        + g(null, "225.1.2.3") + "," + g(null, "225.9.0.0/30") + ","
                        + g(null, "225.9.0.1/30") + "," + g(null, "225.9.0.2/30") + "," + g(null, "225.9.0.3/30") + ","
                        + g("10.0.0.2", "225.1.2.4") + "," + g(null, "ff0e::1:3") + "," + g(null, "ff0e::9:0/126") + ","
                        + g(null, "ff0e::9:1/126") + "," + g(null, "ff0e::9:2/126") + "," + g(null, "ff0e::9:3/126") + ","
                        + g("fd00::2", "ff0e::1:4")
                        + "]}}\n");

                // Refused leaves: one member of a range, another length, wrong or missing source.
                refused(ctl, "No group (*,225.9.0.1) on eth0 to leave", "leave", "eth0", "225.9.0.1");
                refused(ctl, "No group (*,225.9.0.1/29) on eth0 to leave", "leave", "eth0", "225.9.0.1/29");
                refused(ctl, "No group (10.0.0.9,225.1.2.4) on eth0 to leave", "leave", "eth0", "10.0.0.9", "225.1.2.4");
                refused(ctl, "No group (*,225.1.2.4) on eth0 to leave", "leave", "eth0", "225.1.2.4");
                refused(ctl, "No group (*,ff0e::1:4) on eth0 to leave", "leave", "eth0", "ff0e::1:4");
                refused(ctl, "No group (*,ff0e::9:1) on eth0 to leave", "leave", "eth0", "ff0e::9:1");
                refused(ctl, "Already joined (*,225.1.2.3) on eth0", "join", "eth0", "225.1.2.3");
                refused(ctl, "join: interface eth9 is not a known phyint", "join", "eth9", "225.1.2.3");
                refused(ctl, "join: Invalid multicast group: 10.1.2.3", "join", "eth0", "10.1.2.3");
                assertThat(memberships(r)).isEqualTo(union(base, conf));

                // The whole range with its /LEN, and SSM with its source, leave.
                ctl.run("leave", "eth0", "225.9.0.1/30").ok();
                ctl.run("leave", "eth0", "10.0.0.2", "225.1.2.4").ok();
                ctl.run("leave", "eth0", "ff0e::9:0/126").ok();
                ctl.run("leave", "eth0", "fd00::2", "ff0e::1:4").ok();
                // Runtime joins, ASM and SSM.
                ctl.run("join", "eth0", "225.1.2.5").ok();
                ctl.run("join", "eth0", "10.0.0.2", "225.1.2.6").ok();
                ctl.run("join", "eth0", "ff0e::1:5").ok();
                ctl.run("join", "eth0", "fd00::2", "ff0e::1:6").ok();
                assertThat(memberships(r)).isEqualTo(union(base, List.of(
                        new Member("eth0", "225.1.2.3", null), new Member("eth0", "ff0e::1:3", null),
                        new Member("eth0", "225.1.2.5", null), new Member("eth0", "225.1.2.6", "10.0.0.2"),
                        new Member("eth0", "ff0e::1:5", null), new Member("eth0", "ff0e::1:6", "fd00::2"))));
                maddr = r.exec("ip", "maddr", "show", "dev", "eth0").ok().out();
                assertThat(maddr).doesNotContain("225.9.0.", "225.1.2.4", "ff0e::9:", "ff0e::1:4").contains("inet  225.1.2.5", "inet6 ff0e::1:6");
                // Leaves on the wire: ASM TO_INCLUDE({}), SSM BLOCK(S); joins as before.
                cap.await("igmp3 3 225.9.0.0", "igmp3 3 225.9.0.3", "igmp3 6 225.1.2.4 10.0.0.2",
                        "mld2 3 ff0e::9:0", "mld2 3 ff0e::9:3", "mld2 6 ff0e::1:4 fd00::2",
                        "igmp3 4 225.1.2.5", "igmp3 5 225.1.2.6 10.0.0.2", "mld2 4 ff0e::1:5", "mld2 5 ff0e::1:6 fd00::2");
                assertThat(ctl.run("-t", "show", "groups").ok().out()).isEqualTo(new It.Wire()
                        .data(row("(*, 225.1.2.3)")).data(row("(*, ff0e::1:3)")).data(row("(*, 225.1.2.5)"))
                        .data(row("(10.0.0.2, 225.1.2.6)")).data(row("(*, ff0e::1:5)")).data(row("(fd00::2, ff0e::1:6)")).terse());

                // Shutdown leaves everything (closing the join sockets).
                d.stopCleanly();
                assertThat(memberships(r)).isEqualTo(base);
            }
        }
    }

    @Test
    void twoThousandJoinsAndLeavesLeaveNoSocketOrMembershipBehind() {
        try (Topology t = Topology.create(1)) {
            Netns r = t.router();
            Set<Member> base = memberships(r);
            try (Daemon d = Daemon.start(r, "phyint eth1 enable\n")) {
                Ctl ctl = d.ctl();
                ctl.run("show").ok(); // the IPC path is warm; its fds are steady now
                List<String> before = sockets(d.pid());
                StringBuilder joins = new StringBuilder();
                StringBuilder leaves = new StringBuilder();
                List<Member> want = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    String g4 = "225.20." + (i / 200) + "." + (i % 200 + 1);
                    String g6 = "ff0e::20:" + Integer.toHexString(i + 1);
                    String src = i % 4 == 3 ? "10.0.1.2 " : ""; // the last joins are SSM: see memberships()
                    String src6 = i % 4 == 3 ? "fd00:0:0:1::2 " : "";
                    joins.append("join eth1 ").append(src).append(g4).append('\n');
                    joins.append("join eth1 ").append(src6).append(g6).append('\n');
                    leaves.append("leave eth1 ").append(src).append(g4).append('\n');
                    leaves.append("leave eth1 ").append(src6).append(g6).append('\n');
                    want.add(new Member("eth1", g4, src.isEmpty() ? null : src.strip()));
                    want.add(new Member("eth1", g6, src6.isEmpty() ? null : Addr.parse(src6.strip()).toString()));
                }
                Exec.Result j = ctl.batch(joins.toString());
                assertThat(j.exit()).as(j.err()).isZero();
                assertThat(memberships(r)).isEqualTo(union(base, want));
                assertThat(ctl.run("-j", "show", "groups").ok().out()).contains("225.20.4.200", "ff0e::20:3e8");
                Exec.Result l = ctl.batch(leaves.toString());
                assertThat(l.exit()).as(l.err()).isZero();
                assertThat(memberships(r)).isEqualTo(base);
                assertThat(ctl.run("show", "groups").ok().out()).isEmpty();
                It.await(() -> "daemon sockets before " + before.size() + ", now " + sockets(d.pid()).size(),
                        () -> sockets(d.pid()).size() == before.size());
                d.stopCleanly();
            }
        }
    }

    private static void refused(Ctl ctl, String text, String... cmd) {
        Exec.Result res = ctl.run(cmd);
        assertThat(res.exit()).as(res.toString()).isEqualTo(1);
        assertThat(res.err()).isEqualTo("smcroutectl: " + text + "\n");
    }

    private static String row(String sg) {
        return It.left(sg, 42) + " eth0";
    }

    private static String g(String source, String group) {
        return "{\"source\":" + (source == null ? "null" : "\"" + source + "\"") + ",\"group\":\"" + group + "\",\"iif\":\"eth0\"}";
    }

    private static Set<Member> union(Set<Member> base, List<Member> more) {
        Set<Member> all = new HashSet<>(base);
        all.addAll(more);
        assertThat(all).hasSize(base.size() + more.size());
        return all;
    }

    /** The socket fds of a process, as link targets ("socket:[inode]"). */
    static List<String> sockets(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            List<String> out = new ArrayList<>();
            for (Path p : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("socket:")) {
                        out.add(target);
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every membership of the namespace: ASM groups from /proc/net/igmp and igmp6 (source null),
     * SSM (group, source) pairs from mcfilter and mcfilter6, whose groups are then not listed
     * again as ASM.
     *
     * <p>Kernel quirk (igmp_mcf_get_first / igmp6_mcf_get_first, Linux 6.x): mcfilter and
     * mcfilter6 skip a device whose most recently joined group has no source, so its source
     * filters are only listed when the last group joined on it is source-specific. The tests
     * therefore join SSM groups last.
     */
    static Set<Member> memberships(Netns ns) {
        String text = ns.exec("sh", "-c", "cat /proc/net/igmp; echo @@; cat /proc/net/igmp6; echo @@; "
                + "cat /proc/net/mcfilter; echo @@; cat /proc/net/mcfilter6").ok().out();
        String[] part = text.split("@@\n");
        Set<Member> ssm = new HashSet<>();
        for (String line : part[2].split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 6 && f[2].startsWith("0x")) {
                ssm.add(new Member(f[1], Addr.ofIpv4((int) Long.parseLong(f[2].substring(2), 16)).toString(),
                        Addr.ofIpv4((int) Long.parseLong(f[3].substring(2), 16)).toString()));
            }
        }
        for (String line : part[3].split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 6 && f[2].length() == 32) {
                ssm.add(new Member(f[1], hex6(f[2]), hex6(f[3])));
            }
        }
        Set<String> ssmGroups = new HashSet<>();
        ssm.forEach(m -> ssmGroups.add(m.dev() + " " + m.group()));
        Set<Member> all = new HashSet<>(ssm);
        String dev = null;
        for (String line : part[0].split("\n")) {
            if (line.startsWith("Idx") || line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split("\\s+");
            if (!line.startsWith("\t")) {
                dev = f[1];
            } else {
                String g = ProcFiles.hexIpv4(f[0]);
                if (!ssmGroups.contains(dev + " " + g)) {
                    all.add(new Member(dev, g, null));
                }
            }
        }
        for (String line : part[1].split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 3 && f[2].length() == 32) {
                String g = hex6(f[2]);
                if (!ssmGroups.contains(f[1] + " " + g)) {
                    all.add(new Member(f[1], g, null));
                }
            }
        }
        return all;
    }

    private static String hex6(String hex) {
        return Addr.fromBytes(HexFormat.of().parseHex(hex)).toString();
    }
}

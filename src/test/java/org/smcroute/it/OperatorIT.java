package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator meets with the real daemon and client: answers and warnings reach the one who
 * asked, a reload's errors come back to the client in order, a host-independent configuration
 * check, processes named after their programs, and vanished interfaces marked in the show.
 */
@ExtendWith(NetnsExtension.class)
class OperatorIT {

    private static final String CONF = """
            mroute from eth0 source 10.0.0.2 group 225.4.1.1 to eth1
            """;

    @Test
    void warningsAndErrorsReachTheClient() {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), CONF)) {
            Ctl ctl = d.ctl();
            Exec.Result pending = ctl.run("add", "eth0", "10.0.0.2", "225.4.1.2", "eth1", "nosuch");
            assertThat(pending.exit()).as(pending.toString()).isZero();
            assertThat(pending.err()).isEqualTo("smcroutectl: warning: mroute: outbound nosuch does not exist (yet?),"
                    + " the route waits for it on the pending list\n");
            d.awaitLog("mroute from eth0 source 10.0.0.2 group 225.4.1.2 pending: outbound nosuch not available");

            Exec.Result loop = ctl.run("add", "eth0", "10.0.0.2", "225.4.1.3", "eth0", "eth1");
            assertThat(loop.exit()).isZero();
            assertThat(loop.err()).contains("warning: mroute: Same outbound interface (eth0) as inbound (eth0)");

            Exec.Result join = ctl.run("join", "nosuch", "225.4.1.9");
            assertThat(join.exit()).isEqualTo(1);
            assertThat(join.err()).isEqualTo("smcroutectl: join: interface nosuch is not a known phyint\n");
            Exec.Result add = ctl.run("add", "nosuch", "225.4.1.9", "eth1");
            assertThat(add.err()).isEqualTo("smcroutectl: mroute: inbound nosuch is not a known phyint\n");
            Exec.Result len = ctl.run("add", "eth0", "225.1.1.1/abc", "eth1");
            assertThat(len.exit()).isEqualTo(1);
            assertThat(len.err()).isEqualTo("smcroutectl: mroute: Invalid multicast group prefix length, abc\n");
            Exec.Result leave = ctl.run("leave", "eth0", "1.2.3.4");
            assertThat(leave.err()).isEqualTo("smcroutectl: leave: Invalid multicast group: 1.2.3.4\n");

            Exec.Result bogus = ctl.run("show", "bogus");
            assertThat(bogus.exit()).isEqualTo(1);
            assertThat(bogus.err()).isEqualTo("smcroutectl: Unknown view bogus, try groups, interfaces, pending, proxy or routes\n");

            Exec.Result batch = ctl.batch("add eth0 10.0.0.2 225.4.2.1 eth1\nleave eth0 225.4.2.9\n");
            assertThat(batch.exit()).isEqualTo(1);
            assertThat(batch.err()).isEqualTo(
                    "smcroutectl: line 2: leave eth0 225.4.2.9: No group (*,225.4.2.9) on eth0 to leave\n");
            d.stopCleanly();
        }
    }

    @Test
    void reloadAnswersWithItsResultInOrder() throws IOException {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), CONF)) {
            Ctl ctl = d.ctl();
            Files.writeString(d.conf(), """
                    mroute from eth0 source 10.0.0.2 group 225.4.1.1 to eth1 eth2
                    mroute from eth0 group 10.1.2.3 to eth1
                    mroute group 225.4.1.5
                    mroute from eth0 source 10.0.0.2 group 225.4.1.6 to eth2
                    """);
            Exec.Result r = ctl.run("reload");
            assertThat(r.exit()).as(r.toString()).isEqualTo(1);
            String f = d.conf().toString();
            // in file order, although line 3 fails while the file is read and line 2 when applied
            assertThat(r.err()).isEqualTo("smcroutectl: " + f + " line 2: mroute: Invalid multicast group: 10.1.2.3\n"
                    + "smcroutectl: " + f + " line 3: mroute: missing 'from' interface\n"
                    + "smcroutectl: Parse error in " + f + "\n");
            // the reload has finished when the client returns: the good lines are in the kernel
            assertThat(ProcFiles.mroutes(t.router(), false)).extracting(ProcFiles.Mroute::group)
                    .contains("225.4.1.1", "225.4.1.6");
            assertThat(d.log().indexOf("line 2: mroute: Invalid multicast group"))
                    .isLessThan(d.log().lastIndexOf("Parse error in " + f));

            Files.writeString(d.conf(), CONF);
            Exec.Result ok = ctl.run("reload");
            assertThat(ok.exit()).as(ok.toString()).isZero();
            assertThat(ok.err()).isEmpty();
            d.stopCleanly();
        }
    }

    @Test
    void headingsUseEscapeCodesOnlyOnATerminalWithoutNoColor() {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), CONF)) {
            // script(1) gives the client a terminal; into a pipe the headings are plain
            String show = "env JAVA_HOME=" + Project.javaHome() + " " + Project.bin("smcroutectl") + " -u " + d.socket() + " show";
            Exec.Result tty = t.router().exec("script", "-qec", show, "/dev/null");
            assertThat(tty.out()).as(tty.toString()).contains("\033[7m");
            Exec.Result noColor = t.router().exec("script", "-qec", "env NO_COLOR=1 " + show, "/dev/null");
            assertThat(noColor.out()).as(noColor.toString()).doesNotContain("\033[").contains("=====");
            assertThat(d.ctl().run("show").ok().out()).doesNotContain("\033[").contains("=====");
            d.stopCleanly();
        }
    }

    @Test
    void processesCarryTheirProgramNames() {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), CONF)) {
            String pid = Long.toString(d.pid());
            assertThat(t.router().exec("pgrep", "-x", "smcrouted").out().split("\n")).contains(pid);
            assertThat(t.router().exec("pidof", "smcrouted").out().trim().split(" ")).contains(pid);
            assertThat(t.router().exec("cat", "/proc/" + pid + "/comm").out()).isEqualTo("smcrouted\n");
            d.stopCleanly();
        }
    }

    @Test
    void vanishedInterfacesAreMarkedInShowInterfaces() {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), "mroute from eth0 group 225.4.3.0/24 to eth1 eth2\n")) {
            Ctl ctl = d.ctl();
            assertThat(ctl.run("-p", "show", "interfaces").ok().out()).doesNotContain("gone");
            Exec.run("ip", "-n", t.router().name(), "link", "del", "eth2").ok();
            It.await(() -> "eth2 not marked gone: " + ctl.run("-p", "show", "interfaces").out(),
                    () -> ctl.run("-p", "show", "interfaces").out().matches("(?s).* eth2 +2 +2  gone\n.*"));
            assertThat(ctl.run("-j", "show", "interfaces").ok().out()).contains("\"name\":\"eth2\",\"present\":false");
            d.stopCleanly();
        }
    }

    @Test
    void syntaxOnlyCheckDoesNotDependOnTheHost() throws IOException {
        Netns ns = Netns.create("syn");
        Path dir = Files.createTempDirectory("smcr-it-syntax-");
        try {
            Path good = dir.resolve("good.conf");
            Files.writeString(good, """
                    phyint wan0 enable ttl-threshold 3
                    mroute from wan0 source 10.0.0.2 group 225.4.1.1 to lan0 lan1
                    mgroup from lan+ group 225.4.2.0/30
                    """);
            Exec.Result host = verify(ns, good);
            assertThat(host.exit()).as("the host lacks these interfaces: " + host).isEqualTo(78);
            assertThat(host.out()).contains(good + " line 2: mroute: inbound wan0 does not exist on this system");
            Exec.Result syntax = verify(ns, good, "--syntax-only");
            assertThat(syntax.exit()).as(syntax.toString()).isZero();

            Path bad = dir.resolve("bad.conf");
            Files.writeString(bad, """
                    phyint wan0 ttl-threshold 0
                    mroute from wan0 group 225.4.1.1/abc to lan0
                    mgroup from averyveryverylongname group 225.4.2.1
                    mroute from wan0 ttl-threshold 300 group 225.4.1.2 to lan0
                    mgroup from lan0 group 225.0.0.0/8
                    """);
            Exec.Result r = verify(ns, bad, "--syntax-only");
            assertThat(r.exit()).as(r.toString()).isEqualTo(78);
            assertThat(r.out().lines().toList()).contains(
                    bad + " line 1: phyint wan0 ttl 0 out of range (1-255)",
                    bad + " line 2: mroute: Invalid multicast group prefix length, abc",
                    bad + " line 3: mgroup: interface name averyveryverylongname is longer than 15 characters",
                    bad + " line 4: mroute: ttl-threshold 300 out of range (1-255)",
                    bad + " line 5: join: range expands to more than 4096 joins, skipping",
                    "Parse error in " + bad);
        } finally {
            Exec.run("rm", "-rf", dir.toString());
        }
    }

    private static Exec.Result verify(Netns ns, Path file, String... more) {
        List<String> cmd = new ArrayList<>(List.of("env", "JAVA_HOME=" + Project.javaHome(),
                Project.bin("smcrouted"), "-F", file.toString()));
        cmd.addAll(List.of(more));
        return ns.exec(cmd.toArray(String[]::new));
    }
}

package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.smcroute.cli.Version;
import org.smcroute.it.Mcast.Count;
import org.smcroute.it.Mcast.Flow;
import org.smcroute.sys.DgramSink;

/**
 * Operating the daemon: every command-line option whose effect can be observed from outside, the
 * exit codes, background start through the launcher, syslog and sd_notify, the privilege drop and
 * several instances on separate multicast routing tables.
 *
 * <p>Test hooks used here, all documented in smcrouted(8): {@code SMCROUTE_RUNSTATEDIR} and
 * {@code SMCROUTE_SYSCONFDIR} replace the launchers' built-in directories, and
 * {@code SMCROUTE_SYSLOG_SOCKET} replaces {@code /dev/log}.
 *
 * <p>Exit code 76 is provoked with a table ID the kernel reserves (Linux refuses multicast
 * tables numbered 1000000000 and above), so both families fail the way a kernel without
 * multiple-table support fails.
 */
@ExtendWith(NetnsExtension.class)
class OperationsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String READY = "Ready, waiting for client request or kernel event.";

    // ------------------------------------------------------------------ options settled in the foreground

    @Test
    void helpVersionAndOptionErrors() {
        Map<String, String> dirs = Map.of("SMCROUTE_SYSCONFDIR", "/x/etc", "SMCROUTE_RUNSTATEDIR", "/x/run");

        Exec.Result h = run(null, dirs, "-h");
        assertThat(h.exit()).as(h.toString()).isZero();
        assertThat(h.err()).isEmpty();
        assertThat(h.out()).startsWith("Usage: smcrouted ")
                .contains("/x/etc/smcroute.conf", "/x/run/smcroute.pid", "/x/run/smcroute.sock", "--range-limit N")
                .doesNotContain("-D ");
        // -h shows the paths of the identity given with it, in any order
        Exec.Result hi = run(null, dirs, "-h", "-i", "foo");
        assertThat(hi.exit()).isZero();
        assertThat(hi.out()).contains("/x/etc/foo.conf", "/x/run/foo.pid", "/x/run/foo.sock")
                .doesNotContain("/x/run/smcroute.sock");

        Exec.Result v = run(null, Map.of(), "-v");
        assertThat(v.exit()).isZero();
        // this project's own BUGS.md, never the C project's addresses
        assertThat(v.out()).matches("SMCRoute v\\S+\n\nBug report address: \\S+/BUGS.md\nProject homepage:   none .*\n")
                .doesNotContain("troglobit");

        Exec.Result unknown = run(null, Map.of(), "-x");
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(64);
        assertThat(unknown.err()).contains("invalid option -- 'x'");
        assertThat(unknown.out()).startsWith("Usage: smcrouted ");

        // a bad value names the option and the value, exit 64 like any usage error
        Exec.Result m = run(null, Map.of(), "-n", "-m", "3");
        assertThat(m.exit()).isEqualTo(64);
        assertThat(m.err()).isEqualTo("smcrouted: -m 3: invalid mrdisc announcement interval, 4-180\n"
                + "Try 'smcrouted -h' for more information.\n");
        assertThat(m.out()).isEmpty();
        assertThat(run(null, Map.of(), "-n", "-m181").exit()).isEqualTo(64);

        Exec.Result t = run(null, Map.of(), "-n", "-t", "-1");
        assertThat(t.exit()).isEqualTo(64);
        assertThat(t.err()).startsWith("smcrouted: -t -1: ");
        Exec.Result typo = run(null, Map.of(), "-f", "-F", "x.conf");
        assertThat(typo.exit()).as(typo.toString()).isEqualTo(64);
        assertThat(typo.err()).startsWith("smcrouted: unexpected argument 'x.conf'");
        assertThat(run(null, Map.of(), "-n", "-l", "foo").exit()).isEqualTo(64);
        assertThat(run(null, Map.of(), "-n", "-c", "abc").exit()).isEqualTo(64);

        assertThat(run(null, Map.of(), "-n", "--range-limit", "0").exit()).isEqualTo(64);
        assertThat(run(null, Map.of(), "-n", "--range-limit=-5").exit()).isEqualTo(64);

        Exec.Result p = run(null, Map.of(), "-n", "-p", "nosuchuser");
        assertThat(p.exit()).isEqualTo(1);
        assertThat(p.err()).startsWith("smcrouted: Invalid user:group argument: ");
        Exec.Result pg = run(null, Map.of(), "-n", "-p", "nobody:nosuchgroup");
        assertThat(pg.exit()).isEqualTo(1);
        assertThat(pg.err()).startsWith("smcrouted: Invalid user:group argument: ");
    }

    @Test
    void identityDerivesConfigurationPidFileAndSocket() throws IOException {
        Netns ns = vethNamespace();
        Path dir = tempDir();
        Files.writeString(dir.resolve("foo.conf"), "mroute from eth0 group 225.1.2.3 to eth1\n");
        Map<String, String> env = Map.of("SMCROUTE_SYSCONFDIR", dir.toString(), "SMCROUTE_RUNSTATEDIR", dir.toString());
        Running d = Running.start(ns, dir, env, dir.resolve("foo.pid"), "-n", "-i", "foo", "-l", "info");
        assertThat(dir.resolve("foo.sock")).exists();
        assertThat(dir.resolve("smcroute.sock")).doesNotExist();
        assertThat(Files.getPosixFilePermissions(dir.resolve("foo.sock"))).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("foo.pid"))).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        // the PID file is written before "Ready" is logged: wait for the line
        awaitLog(d, "foo[" + d.pid() + "]: " + READY);
        assertThat(d.log()).contains("foo[" + d.pid() + "]: " + READY);

        Exec.Result show = ctl(ns, env, "-i", "foo", "-p", "show");
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(show.out()).contains("(*, 225.1.2.3)");
        // the default identity is somebody else
        assertThat(ctl(ns, env, "show").exit()).isEqualTo(1);

        assertThat(ctl(ns, env, "-i", "foo", "kill").exit()).isZero();
        assertThat(d.waitExit()).isZero();
        assertThat(dir.resolve("foo.pid")).doesNotExist();
        assertThat(dir.resolve("foo.sock")).doesNotExist();
    }

    @Test
    void verifyModeChecksAFileWithoutTouchingTheKernel() throws IOException {
        Netns ns = vethNamespace();
        Path dir = tempDir();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path good = dir.resolve("good.conf");
        Path bad = dir.resolve("bad.conf");
        Files.writeString(good, "phyint eth0 enable\nmroute from eth0 group 225.1.2.3 to eth1\n");
        Files.writeString(bad, """
                phyint eth0 enable
                mroute from eth0 group 10.1.2.3 to eth1
                frobnicate eth0
                mroute from eth0 group 225.1.2.3 to eth1
                """);

        // root is not needed
        Exec.Result ok = Exec.run(Exec.TIMEOUT, null, ns.argv(asNobody(cmd(Map.of(), "-F", good.toString())).toArray(String[]::new)));
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.out()).startsWith("Verifying configuration file " + good + " ...\n");

        Exec.Result r = run(ns, Map.of(), "-F", bad.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(78);
        List<String> lines = r.out().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("Verifying configuration file " + bad + " ...");
        assertThat(lines).contains(bad + " line 2: mroute: Invalid multicast group: 10.1.2.3",
                bad + " line 3: Unknown command frobnicate, skipping.");
        assertThat(lines.getLast()).isEqualTo("Parse error in " + bad);
        assertThat(ProcFiles.vifs(ns, false)).isEmpty();

        // the shipped example, every sample line switched on, with a drop-in directory
        ns.sh("""
                ip link add eth2 type veth peer name eth3
                ip link add vlan10 type veth peer name vlan11
                for i in eth2 eth3 vlan10 vlan11; do ip link set $i up; done
                """);
        Path dropins = Files.createDirectories(dir.resolve("smcroute.d"));
        Files.writeString(dropins.resolve("10-local.conf"), "mroute from eth0 group 225.8.8.8 to eth2\n");
        Path example = dir.resolve("example.conf");
        Files.writeString(example, Files.readString(Project.home().resolve("etc/smcroute.conf"))
                .replaceAll("(?m)^#(phyint|mgroup|mroute) ", "$1 ")
                .replace("include /etc/smcroute.d/", "include " + dropins + "/"));
        Exec.Result ex = run(ns, Map.of(), "-l", "debug", "-F", example.toString());
        assertThat(ex.exit()).as(ex.toString()).isZero();
        assertThat(ex.out()).contains(example + " line 9: phyint eth2 enable mrdisc",
                dropins.resolve("10-local.conf") + " line 1: mroute from eth0 group 225.8.8.8 to eth2",
                example + " line 23: mroute from vlan+ group 239.0.0.0/8 to eth0");

        Path missing = dir.resolve("missing.conf");
        Exec.Result m = run(ns, Map.of(), "-F", missing.toString());
        assertThat(m.exit()).isEqualTo(78);
        assertThat(m.out()).contains("Configuration file " + missing + " does not exist");
        deleteTree(dir);
    }

    @Test
    void startupDelayComesBeforePidFileAndSocket() throws IOException {
        Netns ns = vethNamespace();
        Path dir = tempDir();
        Files.writeString(dir.resolve("smcroute.conf"), "");
        Running d = Running.launch(ns, dir, Map.of(), std(dir, "-n", "-l", "info", "-d", "2"));
        long seen = d.awaitLog("Startup delay requested, waiting 2 sec before continuing.");
        Mcast.sleep(500);
        assertThat(dir.resolve("smcroute.sock")).as("socket during the delay").doesNotExist();
        assertThat(dir.resolve("smcroute.pid")).as("PID file during the delay").doesNotExist();
        d.awaitReady(dir.resolve("smcroute.pid"));
        assertThat(System.nanoTime() - seen).isGreaterThan(1_800_000_000L);
        String log = d.log();
        assertThat(log.indexOf("SMCRoute v")).isNotNegative().isLessThan(log.indexOf("Startup delay"));
        assertThat(d.stop()).isZero();
    }

    // ------------------------------------------------------------------ exit codes

    @Test
    void secondInstanceIsRefusedAndLeavesTheFirstAlone() throws IOException {
        Netns ns = vethNamespace();
        Path dir = tempDir();
        Files.writeString(dir.resolve("smcroute.conf"), "mroute from eth0 group 225.1.2.3 to eth1\n");
        Path sock = dir.resolve("smcroute.sock");
        Path pid = dir.resolve("smcroute.pid");
        Running first = Running.start(ns, dir, Map.of(), pid, std(dir, "-n"));
        Object inode = Files.getAttribute(sock, "unix:ino");
        FileTime pidTime = Files.getLastModifiedTime(pid);

        // same socket and PID file, in the foreground
        Exec.Result fg = run(ns, Map.of(), std(dir, "-n"));
        assertThat(fg.exit()).as(fg.toString()).isEqualTo(69);
        assertThat(fg.out() + fg.err()).contains("IPC socket " + sock + " is in use, is another instance running?");
        // and in the background: the launcher reports the daemon's error and code
        Exec.Result bg = run(ns, Map.of(), std(dir));
        assertThat(bg.exit()).as(bg.toString()).isEqualTo(69);
        assertThat(bg.err()).contains("smcrouted: IPC socket " + sock + " is in use, is another instance running?");

        assertThat(Files.getAttribute(sock, "unix:ino")).isEqualTo(inode);
        assertThat(Files.readString(pid)).isEqualTo(first.pid() + "\n");
        assertThat(Files.getLastModifiedTime(pid)).isEqualTo(pidTime);
        assertThat(ctl(ns, Map.of(), "-u", sock.toString(), "-p", "show").out()).contains("(*, 225.1.2.3)");

        // own socket, but the routing table is taken: 69 too, and nothing is left behind
        Path other = dir.resolve("other.sock");
        Exec.Result api = run(ns, Map.of(), "-n", "-f", dir.resolve("smcroute.conf").toString(),
                "-u", other.toString(), "-P", dir.resolve("other.pid").toString());
        assertThat(api.exit()).as(api.toString()).isEqualTo(69);
        assertThat(api.err()).contains("IPv4 multicast routing API already in use: ",
                "Another multicast routing application is already running.");
        assertThat(other).doesNotExist();
        assertThat(dir.resolve("other.pid")).doesNotExist();

        assertThat(first.stop()).isZero();
    }

    @Test
    void unprivilegedStartExits77() throws IOException {
        Path dir = tempDir();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path devlog = dir.resolve("log");
        try (DgramSink syslog = new DgramSink(devlog.toString())) {
            Files.setPosixFilePermissions(devlog, PosixFilePermissions.fromString("rw-rw-rw-"));
            List<String> fgCmd = asNobody(cmd(Map.of("SMCROUTE_SYSLOG_SOCKET", devlog.toString()), std(dir, "-n")));
            Exec.Result fg = Exec.run(Exec.TIMEOUT, null, fgCmd);
            assertThat(fg.exit()).as(fg.toString()).isEqualTo(77);
            assertThat(fg.err()).contains("Need root privileges to start smcrouted");
            // logging is open before the check, so syslog has it too, at LOG_ERR
            assertThat(syslog.next(WAIT_MS)).matches("<27>.* smcroute\\[\\d+\\]: Need root privileges to start smcrouted");
        }
        Exec.Result bg = Exec.run(Exec.TIMEOUT, null, asNobody(cmd(Map.of(), std(dir))));
        assertThat(bg.exit()).as(bg.toString()).isEqualTo(77);
        assertThat(bg.err()).contains("smcrouted: Need root privileges to start smcrouted");
        assertThat(dir.resolve("smcroute.pid")).doesNotExist();
        deleteTree(dir);
    }

    @Test
    void missingMulticastRoutingTableExits76() throws IOException {
        Netns ns = vethNamespace();
        Path dir = tempDir();
        Exec.Result r = run(ns, Map.of(), std(dir, "-n", "-t", "1000000000"));
        assertThat(r.exit()).as(r.toString()).isEqualTo(76);
        assertThat(r.err()).contains("Failed setting IPv4 multicast routing table id 1000000000: ",
                "Kernel needs CONFIG_IP_MROUTE_MULTIPLE_TABLES=y", "Kernel does not support multicast routing.");
        assertThat(dir.resolve("smcroute.sock")).doesNotExist();
        deleteTree(dir);
    }

    // ------------------------------------------------------------------ background mode

    @Test
    void backgroundStartReturnsOnlyWhenTheDaemonIsReady() throws Exception {
        Netns ns = vethNamespace();
        Path dir = tempDir();
        Files.writeString(dir.resolve("smcroute.conf"), "mroute from eth0 group 225.1.2.3 to eth1\n");
        Path pidFile = dir.resolve("smcroute.pid");
        long t0 = System.nanoTime();
        // started from dir with relative -f and -u: the detached daemon (in /) must resolve
        // them against the directory the launcher was started in
        List<String> sh = new ArrayList<>(List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", dir.toString()));
        sh.addAll(cmd(Map.of(), "-f", "smcroute.conf", "-u", "smcroute.sock", "-P", pidFile.toString(),
                "-l", "debug", "-d", "1"));
        Exec.Result r = Exec.run(Exec.TIMEOUT, null, ns.argv(sh.toArray(String[]::new)));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out() + r.err()).as("a detached daemon reports nothing on success").isEmpty();
        assertThat(System.nanoTime() - t0).as("the launcher waits through -d").isGreaterThan(1_000_000_000L);
        // no waiting from here on: ready means ready
        assertThat(pidFile).exists();
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        try {
            assertThat(ProcessHandle.of(pid)).isPresent();
            String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst("^.*\\) ", "").split(" ");
            assertThat(Long.parseLong(stat[3])).as("session id (setsid)").isEqualTo(pid);
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd"))).isEqualTo(Path.of("/"));
            for (int fd = 0; fd <= 2; fd++) {
                assertThat(Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd))).isEqualTo(Path.of("/dev/null"));
            }
            Exec.Result show = ctl(ns, Map.of(), "-u", dir.resolve("smcroute.sock").toString(), "-p", "show");
            assertThat(show.exit()).as(show.toString()).isZero();
            assertThat(show.out()).contains("(*, 225.1.2.3)");
            assertThat(ctl(ns, Map.of(), "-u", dir.resolve("smcroute.sock").toString(), "kill").exit()).isZero();
            assertThat(ProcessHandle.of(pid).map(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join()))
                    .hasValueSatisfying(p -> assertThat(p.isAlive()).isFalse());
            assertThat(pidFile).doesNotExist();
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        deleteTree(dir);
    }

    @Test
    void backgroundDaemonDyingDuringStartupIsReported() throws Exception {
        Netns ns = vethNamespace();
        Path dir = tempDir();
        Files.writeString(dir.resolve("smcroute.conf"), "");
        Running launcher = Running.launch(ns, dir, Map.of(), std(dir, "-d", "20"));
        long child = -1;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (child < 0 && System.nanoTime() < deadline) {
            child = findDetachedChild(dir);
            Mcast.sleep(50);
        }
        assertThat(child).as("detached daemon JVM").isPositive();
        long c = child;
        ProcessHandle.of(c).ifPresent(ProcessHandle::destroyForcibly);
        assertThat(launcher.waitExit()).isEqualTo(70);
        assertThat(launcher.log()).contains("smcrouted: daemon died during startup");
        deleteTree(dir);
    }

    // ------------------------------------------------------------------ logging and supervisors

    @Test
    void syslogGetsIdentPidAndPriorityAndLevelNoneLogsNothing() throws IOException {
        Netns ns = vethNamespace();
        Path dir = tempDir();
        Path devlog = dir.resolve("log");
        Files.writeString(dir.resolve("smcroute.conf"), "mroute from eth0 group 225.1.2.3 to eth1\nbogus line\n");
        Map<String, String> env = Map.of("SMCROUTE_SYSLOG_SOCKET", devlog.toString());
        try (DgramSink syslog = new DgramSink(devlog.toString())) {
            // -s: syslog only, although in the foreground
            Running d = Running.start(ns, dir, env, dir.resolve("smcroute.pid"), std(dir, "-n", "-s", "-i", "opslog", "-l", "debug"));
            Pattern line = Pattern.compile("<(\\d+)>[A-Z][a-z]{2} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d opslog\\[" + d.pid() + "\\]: (.*)");
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (String msg; !seen.containsKey(READY); ) {
                msg = syslog.next(WAIT_MS);
                assertThat(msg).as("syslog message before readiness, have " + seen.keySet()).isNotNull();
                Matcher mm = line.matcher(msg);
                assertThat(mm.matches()).as(msg).isTrue();
                seen.put(mm.group(2), Integer.parseInt(mm.group(1)));
            }
            // facility daemon (3 << 3) plus the severity
            assertThat(seen).containsEntry("SMCRoute v" + version(), 24 + 5)
                    .containsEntry(dir.resolve("smcroute.conf") + " line 2: Unknown command bogus, skipping.", 24 + 4)
                    .containsEntry(READY, 24 + 5);
            assertThat(seen.entrySet()).anySatisfy(e -> assertThat(e.getValue()).isEqualTo(24 + 7));
            assertThat(d.stop()).isZero();
            assertThat(syslog.drain(1000)).anySatisfy(s -> assertThat(s).matches("<29>.* opslog\\[" + d.pid() + "\\]: Exiting\\."));
            assertThat(d.log()).as("-s keeps stderr quiet").doesNotContain("opslog[");

            // -l none: nothing at all, neither on stderr nor to syslog
            Running quiet = Running.start(ns, dir, env, dir.resolve("smcroute.pid"), std(dir, "-n", "-l", "none"));
            assertThat(ctl(ns, Map.of(), "-u", dir.resolve("smcroute.sock").toString(), "add", "eth9", "225.9.9.9", "eth1").exit())
                    .isEqualTo(1);
            assertThat(quiet.stop()).isZero();
            assertThat(syslog.drain(500)).isEmpty();
            assertThat(quiet.log()).isEmpty();
        }
        deleteTree(dir);
    }

    @Test
    void sdNotifyReportsReadinessReloadAndStop() throws IOException {
        Netns ns = vethNamespace();
        Path dir = tempDir();
        Path sock = dir.resolve("notify");
        Files.writeString(dir.resolve("smcroute.conf"), "");
        try (DgramSink notify = new DgramSink(sock.toString())) {
            Running d = Running.start(ns, dir, Map.of("NOTIFY_SOCKET", sock.toString()), dir.resolve("smcroute.pid"), std(dir, "-n"));
            assertThat(notify.next(WAIT_MS)).isEqualTo("READY=1\nSTATUS=" + READY + "\nMAINPID=" + d.pid());
            FileTime before = Files.getLastModifiedTime(dir.resolve("smcroute.pid"));
            Mcast.sleep(20);

            Exec.run("kill", "-HUP", String.valueOf(d.pid())).ok();
            assertThat(notify.next(WAIT_MS)).matches("RELOADING=1\nSTATUS=Reloading configuration, please wait \\.\\.\\.\n"
                    + "MONOTONIC_USEC=\\d+");
            // the ready STATUS again, or systemctl status would keep showing "Reloading ..."
            assertThat(notify.next(WAIT_MS)).isEqualTo("READY=1\nSTATUS=" + READY);
            assertThat(Files.getLastModifiedTime(dir.resolve("smcroute.pid"))).as("PID file touched").isGreaterThan(before);

            assertThat(ctl(ns, Map.of(), "-u", dir.resolve("smcroute.sock").toString(), "reload").exit()).isZero();
            assertThat(notify.next(WAIT_MS)).startsWith("RELOADING=1\n");
            assertThat(notify.next(WAIT_MS)).isEqualTo("READY=1\nSTATUS=" + READY);

            assertThat(d.stop()).isZero();
            assertThat(notify.next(WAIT_MS)).isEqualTo("STOPPING=1");
            assertThat(notify.drain(300)).isEmpty();
        }
        deleteTree(dir);
    }

    // ------------------------------------------------------------------ privileges

    @Test
    void droppedPrivilegesKeepRoutingOnTheStateThreadOnly() throws IOException {
        try (Topology t = Topology.create(2)) {
            Netns rtr = t.router();
            Path dir = tempDir();
            // the dropped daemon must still read its configuration and touch its PID file
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(dir.resolve("smcroute.conf"), "mroute from eth0 group 225.1.2.3 to eth1\n");
            Running d = Running.start(rtr, dir, Map.of(), dir.resolve("smcroute.pid"), std(dir, "-n", "-p", "nobody", "-l", "info"));
            d.awaitLog("Root privileges dropped: Current UID 65534, GID 65534.");
            assertThat(Files.getAttribute(dir.resolve("smcroute.pid"), "unix:uid")).isEqualTo(65534);
            assertThat(Files.getAttribute(dir.resolve("smcroute.sock"), "unix:gid")).isEqualTo(65534);

            List<String> withCaps = new ArrayList<>();
            List<String> tasks;
            try (var s = Files.list(Path.of("/proc/" + d.pid() + "/task"))) {
                tasks = s.map(p -> p.getFileName().toString()).toList();
            }
            assertThat(tasks.size()).isGreaterThan(1);
            for (String task : tasks) {
                String status = Files.readString(Path.of("/proc/" + d.pid() + "/task/" + task + "/status"));
                assertThat(status).containsPattern("(?m)^Uid:\\s+65534\\s+65534\\s+65534\\s+65534$");
                long eff = Long.parseLong(field(status, "CapEff"), 16);
                long prm = Long.parseLong(field(status, "CapPrm"), 16);
                if (eff != 0 || prm != 0) {
                    assertThat(eff).as("task " + task).isEqualTo(prm).isEqualTo((1L << 12) | (1L << 13));
                    withCaps.add(task);
                }
            }
            assertThat(withCaps).as("threads holding CAP_NET_ADMIN|CAP_NET_RAW").hasSize(1);

            Path sock = dir.resolve("smcroute.sock");
            assertThat(ctl(rtr, Map.of(), "-u", sock.toString(), "add", "eth0", "10.0.0.2", "225.4.4.4", "eth2").exit()).isZero();
            assertThat(ctl(rtr, Map.of(), "-u", sock.toString(), "join", "eth0", "225.5.5.5").exit()).isZero();
            assertThat(ProcFiles.mroutes(rtr, false))
                    .contains(new ProcFiles.Mroute("10.0.0.2", "225.4.4.4", "eth0", List.of("eth2"), "resolved"));
            assertThat(rtr.exec("ip", "maddr", "show", "dev", "eth0").ok().out()).contains("225.5.5.5");

            // reload as nobody: new VIF with mrdisc (needs CAP_NET_RAW), new static route
            FileTime before = Files.getLastModifiedTime(dir.resolve("smcroute.pid"));
            Files.writeString(dir.resolve("smcroute.conf"), """
                    phyint eth2 enable mrdisc
                    mroute from eth0 source 10.0.0.2 group 225.7.7.7 to eth1 eth2
                    mgroup from eth0 group 225.6.6.6
                    """);
            Exec.run("kill", "-HUP", String.valueOf(d.pid())).ok();
            awaitTrue(() -> ProcFiles.mroutes(rtr, false).contains(
                    new ProcFiles.Mroute("10.0.0.2", "225.7.7.7", "eth0", List.of("eth1", "eth2"), "resolved")), "route after reload");
            awaitTrue(() -> {
                try {
                    return Files.getLastModifiedTime(dir.resolve("smcroute.pid")).compareTo(before) > 0;
                } catch (IOException e) {
                    return false;
                }
            }, "PID file touched by the reload");
            String maddr = rtr.exec("ip", "maddr", "show", "dev", "eth0").ok().out();
            assertThat(maddr).contains("225.6.6.6").doesNotContain("225.5.5.5");
            if (hasMrdisc()) {
                // a raw socket opened after the drop: needs the kept CAP_NET_RAW
                assertThat(rtr.exec("ip", "maddr", "show", "dev", "eth2").ok().out()).as("mrdisc joins All-Snoopers")
                        .contains("224.0.0.106");
            }
            assertThat(d.log()).doesNotContain("mrdisc: cannot set up socket", "Could not drop root privileges");
            assertThat(d.stop()).isZero();
            deleteTree(dir);
        }
    }

    // ------------------------------------------------------------------ routing options

    @Test
    void twoInstancesRouteTheirOwnTrafficOnTwoTables() throws IOException {
        try (Topology t = Topology.create(3)) {
            Netns rtr = t.router();
            Path dir = tempDir();
            Files.writeString(dir.resolve("a.conf"), "mroute from eth0 group 225.1.1.1 to eth1\n");
            Files.writeString(dir.resolve("b.conf"), "mroute from eth2 group 225.2.2.2 to eth3\n");
            rtr.sh("ip mrule add iif eth0 lookup 1\nip mrule add iif eth2 lookup 2\n");
            Map<String, String> env = Map.of("SMCROUTE_RUNSTATEDIR", dir.toString());
            Running a = Running.start(rtr, dir, env, dir.resolve("a.pid"),
                    "-n", "-i", "a", "-t", "1", "-f", dir.resolve("a.conf").toString());
            Running b = Running.start(rtr, dir, env, dir.resolve("b.pid"),
                    "-n", "-i", "b", "-t", "2", "-f", dir.resolve("b.conf").toString());
            awaitLog(a, "a[" + a.pid() + "]: " + READY);
            awaitLog(b, "b[" + b.pid() + "]: " + READY);
            assertThat(a.log()).contains("a[" + a.pid() + "]: " + READY);
            assertThat(b.log()).contains("b[" + b.pid() + "]: " + READY);

            String s1 = t.sender().hostV4();
            String s2 = t.receiver(2).hostV4();
            try (Mcast.Receiver r1 = Mcast.receive(t.receiver(1).host(), "eth0", 4000, "225.1.1.1", "225.2.2.2");
                 Mcast.Receiver r3 = Mcast.receive(t.receiver(3).host(), "eth0", 4000, "225.1.1.1", "225.2.2.2")) {
                // Templates: each daemon gets the upcall of its own table. The kernel queues
                // only a few packets while an upcall is unanswered, so on a busy machine the
                // first packets of a flow may be lost; most must arrive.
                Mcast.send(t.sender().host(), "eth0", "225.1.1.1", 4000, 20, 100);
                Mcast.send(t.receiver(2).host(), "eth0", "225.2.2.2", 4000, 20, 100);
                r1.await(s1, "225.1.1.1", 12, WAIT);
                r3.await(s2, "225.2.2.2", 12, WAIT);
                Mcast.sleep(200);
                assertThat(r1.stop()).containsOnlyKeys(new Flow(s1, "225.1.1.1"));
                assertThat(r3.stop()).containsOnlyKeys(new Flow(s2, "225.2.2.2"));
            }

            assertThat(ProcFiles.parseMroutes(rtr.exec("ip", "mroute", "show", "table", "1").ok().out()))
                    .containsExactly(new ProcFiles.Mroute(s1, "225.1.1.1", "eth0", List.of("eth1"), "resolved"));
            assertThat(ProcFiles.parseMroutes(rtr.exec("ip", "mroute", "show", "table", "2").ok().out()))
                    .containsExactly(new ProcFiles.Mroute(s2, "225.2.2.2", "eth2", List.of("eth3"), "resolved"));
            assertThat(ProcFiles.mroutes(rtr, false)).as("default table").isEmpty();
            assertThat(ctl(rtr, env, "-i", "a", "-p", "show").out()).contains("(" + s1 + ", 225.1.1.1)")
                    .doesNotContain("225.2.2.2");
            assertThat(ctl(rtr, env, "-i", "b", "-p", "show").out()).contains("(" + s2 + ", 225.2.2.2)")
                    .doesNotContain("225.1.1.1");
            assertThat(a.stop()).isZero();
            assertThat(b.stop()).isZero();
            assertThat(rtr.exec("ip", "mroute", "show", "table", "2").ok().out()).isBlank();
            deleteTree(dir);
        }
    }

    @Test
    void ttlThresholdGoesIntoTheKernelAndFiltersTraffic() {
        try (Topology t = Topology.create(2);
             Daemon d = Daemon.start(t.router(), """
                     phyint eth1 enable ttl-threshold 3
                     mroute from eth0 source 10.0.0.2 group 225.3.3.3 to eth1 eth2
                     """)) {
            Netns rtr = t.router();
            assertThat(rtr.exec("ip", "mroute", "show").ok().out())
                    .containsPattern("\\(10\\.0\\.0\\.2,\\s*225\\.3\\.3\\.3\\)\\s+Iif: eth0\\s+Oifs: eth1\\(ttl 3\\) eth2\\s");
            Map<String, Integer> vif = new LinkedHashMap<>();
            ProcFiles.vifs(rtr, false).forEach(v -> vif.put(v.name(), v.index()));
            assertThat(vif).containsOnlyKeys("eth0", "eth1", "eth2");
            assertThat(ProcFiles.cache(rtr, false)).singleElement().satisfies(m -> {
                assertThat(m.iif()).isEqualTo(vif.get("eth0"));
                assertThat(m.oifs()).containsExactlyInAnyOrderEntriesOf(Map.of(vif.get("eth1"), 3, vif.get("eth2"), 1));
            });

            // forwarded on a VIF only when the packet's TTL is above its threshold
            String src = t.sender().hostV4();
            try (Mcast.Receiver r1 = Mcast.receive(t.receiver(1).host(), "eth0", 4000, "225.3.3.3");
                 Mcast.Receiver r2 = Mcast.receive(t.receiver(2).host(), "eth0", 4000, "225.3.3.3")) {
                Mcast.send(t.sender().host(), "eth0", "225.3.3.3", 4000, 10, 200, "--ttl", "3");
                r2.await(src, "225.3.3.3", 10, WAIT);
                Mcast.send(t.sender().host(), "eth0", "225.3.3.3", 4000, 10, 200, "--ttl", "4");
                r2.await(src, "225.3.3.3", 20, WAIT);
                r1.await(src, "225.3.3.3", 10, WAIT);
                Mcast.sleep(200);
                assertThat(r1.stop()).containsExactlyEntriesOf(Map.of(new Flow(src, "225.3.3.3"), new Count(10, 10)));
            }
            d.stopCleanly();
        }
    }

    @Test
    void bareDisablesMakesABarePhyintLineDisable() {
        Netns ns = vethNamespace();
        String conf = "phyint eth0\nphyint eth1 enable\n";
        try (Daemon d = Daemon.start(ns, conf)) {
            assertThat(ProcFiles.vifs(ns, false)).extracting(ProcFiles.Vif::name).containsExactly("eth0", "eth1");
            d.stopCleanly();
        }
        try (Daemon d = Daemon.start(ns, conf, "-N")) {
            assertThat(ProcFiles.vifs(ns, false)).extracting(ProcFiles.Vif::name).containsExactly("eth1");
            assertThat(ProcFiles.vifs(ns, true)).extracting(ProcFiles.Vif::name).containsExactly("eth1");
            d.stopCleanly();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static final int WAIT_MS = (int) WAIT.toMillis();

    /** A namespace with a veth pair eth0/eth1, both up. */
    private static Netns vethNamespace() {
        Netns ns = Netns.create("ops");
        ns.sh("""
                ip link add eth0 type veth peer name eth1
                ip link set eth0 up
                ip link set eth1 up
                """);
        return ns;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("smcr-ops-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The usual file options: configuration, socket and PID file in {@code dir}. */
    private static String[] std(Path dir, String... more) {
        List<String> a = new ArrayList<>(List.of("-f", dir.resolve("smcroute.conf").toString(),
                "-u", dir.resolve("smcroute.sock").toString(), "-P", dir.resolve("smcroute.pid").toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** {@code env JAVA_HOME=... [env...] bin/smcrouted args...}; env(1) execs, the PID stays. */
    private static List<String> cmd(Map<String, String> env, String... args) {
        return command("smcrouted", env, args);
    }

    private static List<String> command(String prog, Map<String, String> env, String... args) {
        List<String> c = new ArrayList<>(List.of("env", "JAVA_HOME=" + Project.javaHome()));
        env.forEach((k, v) -> c.add(k + "=" + v));
        c.add(Project.bin(prog));
        c.addAll(List.of(args));
        return c;
    }

    private static List<String> asNobody(List<String> cmd) {
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups"));
        c.addAll(cmd);
        return c;
    }

    /** Runs smcrouted to completion, in {@code ns} or (null) in the test JVM's namespace. */
    private static Exec.Result run(Netns ns, Map<String, String> env, String... args) {
        List<String> c = cmd(env, args);
        return Exec.run(Exec.TIMEOUT, null, ns == null ? c : ns.argv(c.toArray(String[]::new)));
    }

    private static Exec.Result ctl(Netns ns, Map<String, String> env, String... args) {
        return Exec.run(Exec.TIMEOUT, null, ns.argv(command("smcroutectl", env, args).toArray(String[]::new)));
    }

    /** mrdisc is developed on its own branch; its check here switches on once it is merged. */
    private static boolean hasMrdisc() {
        try {
            Class.forName("org.smcroute.mrdisc.Mrdisc");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String version() {
        return Version.VERSION;
    }

    private static String field(String status, String key) {
        Matcher m = Pattern.compile("(?m)^" + key + ":\\s+(\\S+)$").matcher(status);
        assertThat(m.find()).as(key).isTrue();
        return m.group(1);
    }

    private static void awaitTrue(BooleanSupplier c, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Mcast.sleep(50);
        }
    }

    /** The PID of the detached daemon JVM whose command line mentions {@code dir}, or -1. */
    private static long findDetachedChild(Path dir) throws IOException {
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmdline.contains("-Dsmcroute.detached=") && cmdline.contains(dir.toString())) {
                        return Long.parseLong(p.getFileName().toString());
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        return -1;
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(Exec::deleteQuietly);
        } catch (IOException e) {
            // leave it
        }
    }

    /**
     * A long-running {@code bin/smcrouted} started with exactly the given arguments; stdout and
     * stderr go to a log file in {@code dir}. Killed with its namespace if a test fails.
     */
    private static final class Running {
        private final Process process;
        private final Path log;

        private Running(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Running launch(Netns ns, Path dir, Map<String, String> env, String... args) {
            Path log;
            try {
                log = Files.createTempFile(dir, "daemon-", ".log");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ProcessBuilder pb = new ProcessBuilder(cmd(env, args)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            return new Running(ns.start(pb), log);
        }

        /** {@link #launch}, then waits for the PID file, which must name this very process. */
        static Running start(Netns ns, Path dir, Map<String, String> env, Path pidFile, String... args) {
            Running r = launch(ns, dir, env, args);
            r.awaitReady(pidFile);
            return r;
        }

        void awaitReady(Path pidFile) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                try {
                    String text = Files.readString(pidFile);
                    if (text.endsWith("\n")) {
                        assertThat(text).isEqualTo(process.pid() + "\n");
                        return;
                    }
                } catch (IOException e) {
                    // not yet
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("not ready: " + pidFile + "\n--- log\n" + log());
                }
                Mcast.sleep(20);
            }
        }

        /** Waits until the output contains {@code text}; returns System.nanoTime() of the sighting. */
        long awaitLog(String text) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!log().contains(text)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no '" + text + "' in\n" + log());
                }
                Mcast.sleep(20);
            }
            return System.nanoTime();
        }

        long pid() {
            return process.pid();
        }

        String log() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "";
            }
        }

        int waitExit() {
            try {
                if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("did not exit\n--- log\n" + log());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return process.exitValue();
        }

        /** SIGTERM; the exit code. */
        int stop() {
            process.destroy();
            return waitExit();
        }
    }

    private static void awaitLog(Running d, String line) {
        Waits.until("log line " + line, Duration.ofSeconds(5), () -> d.log().contains(line));
    }
}

package org.smcroute.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.smcroute.cli.Version;
import org.smcroute.log.Log;

class OptionsTest {

    @BeforeEach
    void dirs() {
        System.setProperty("smcroute.sysconfdir", "/etc");
        System.setProperty("smcroute.runstatedir", "/run");
    }

    @AfterEach
    void clear() {
        System.clearProperty("smcroute.sysconfdir");
        System.clearProperty("smcroute.runstatedir");
    }

    private static Options ok(String... args) {
        Options.Result r = Options.parse(args);
        assertThat(r).isInstanceOf(Options.Run.class);
        return ((Options.Run) r).options();
    }

    private static Options.Exit exit(String... args) {
        Options.Result r = Options.parse(args);
        assertThat(r).isInstanceOf(Options.Exit.class);
        return (Options.Exit) r;
    }

    @Test
    void defaults() {
        Options o = ok();
        assertThat(o.cacheTimeout()).isEqualTo(60);
        assertThat(o.startupDelay()).isZero();
        assertThat(o.exitAfter()).isNull();
        assertThat(o.script()).isNull();
        assertThat(o.confFile()).isEqualTo("/etc/smcroute.conf");
        assertThat(o.verifyFile()).isNull();
        assertThat(o.ident()).isEqualTo("smcroute");
        assertThat(o.logLevel()).isEqualTo(Log.NOTICE);
        assertThat(o.logLevelGiven()).isFalse();
        assertThat(o.mrdiscInterval()).isEqualTo(20);
        assertThat(o.foreground()).isFalse();
        assertThat(o.bareDisables()).isFalse();
        assertThat(o.user()).isNull();
        assertThat(o.pidFile()).isEqualTo("/run/smcroute.pid");
        assertThat(o.syslogOnly()).isFalse();
        assertThat(o.table()).isZero();
        assertThat(o.socketPath()).isEqualTo("/run/smcroute.sock");
        assertThat(o.rangeLimit()).isEqualTo(4096);
    }

    @Test
    void everyOption() {
        Options o = ok("-c", "30", "-d5", "-D", "7", "-e", "/bin/hook", "-f", "/tmp/x.conf", "-l", "debug",
                "-m", "180", "-nNs", "-p", "nobody:nogroup", "-t", "3", "--range-limit", "9");
        assertThat(o.cacheTimeout()).isEqualTo(30);
        assertThat(o.startupDelay()).isEqualTo(5);
        assertThat(o.exitAfter()).isEqualTo(7);
        assertThat(o.script()).isEqualTo("/bin/hook");
        assertThat(o.confFile()).isEqualTo("/tmp/x.conf");
        assertThat(o.logLevel()).isEqualTo(Log.DEBUG);
        assertThat(o.logLevelGiven()).isTrue();
        assertThat(o.mrdiscInterval()).isEqualTo(180);
        assertThat(o.foreground()).isTrue();
        assertThat(o.bareDisables()).isTrue();
        assertThat(o.syslogOnly()).isTrue();
        assertThat(o.user()).isEqualTo("nobody:nogroup");
        assertThat(o.table()).isEqualTo(3);
        assertThat(o.rangeLimit()).isEqualTo(9);
    }

    @Test
    void identityDerivesAllPathsInAnyOrder() {
        Options o = ok("-i", "foo");
        assertThat(o.ident()).isEqualTo("foo");
        assertThat(o.confFile()).isEqualTo("/etc/foo.conf");
        assertThat(o.pidFile()).isEqualTo("/run/foo.pid");
        assertThat(o.socketPath()).isEqualTo("/run/foo.sock");
        Options p = ok("-P", "bar", "-u", "/tmp/s.sock", "-I", "foo");
        assertThat(p.ident()).isEqualTo("foo");
        assertThat(p.confFile()).isEqualTo("/etc/foo.conf");
        assertThat(p.pidFile()).isEqualTo("/run/bar.pid");
        assertThat(p.socketPath()).isEqualTo("/tmp/s.sock");
    }

    @Test
    void directoriesComeFromProperties() {
        System.setProperty("smcroute.sysconfdir", "/usr/local/etc");
        System.setProperty("smcroute.runstatedir", "/var/run");
        Options o = ok("-i", "x");
        assertThat(o.confFile()).isEqualTo("/usr/local/etc/x.conf");
        assertThat(o.pidFile()).isEqualTo("/var/run/x.pid");
        assertThat(o.socketPath()).isEqualTo("/var/run/x.sock");
        assertThat(Options.usage("x")).contains("/usr/local/etc/x.conf", "/var/run/x.pid", "/var/run/x.sock");
    }

    @Test
    void pidFileRule() {
        assertThat(ok("-P", "/tmp/my.pid").pidFile()).isEqualTo("/tmp/my.pid");
        assertThat(ok("-P", "foo.pid").pidFile()).isEqualTo("/run/foo.pid.pid");
        assertThat(ok("-P", "foo").pidFile()).isEqualTo("/run/foo.pid");
    }

    @Test
    void lastOneWins() {
        Options o = ok("-c", "1", "-c", "2", "-i", "a", "-i", "b", "-l", "err", "-l", "info");
        assertThat(o.cacheTimeout()).isEqualTo(2);
        assertThat(o.ident()).isEqualTo("b");
        assertThat(o.logLevel()).isEqualTo(Log.INFO);
        assertThat(ok("-m", "200", "-m", "30").mrdiscInterval()).isEqualTo(30);
    }

    @Test
    void numbersAreWholeNumbersAndNothingElse() {
        assertThat(ok("-c", "-5").cacheTimeout()).isEqualTo(-5);
        assertThat(ok("-t", "+7").table()).isEqualTo(7);
        String[][] bad = {
            {"-c", "  42abc", "smcrouted: -c   42abc: not a number"},
            {"-c", "abc", "smcrouted: -c abc: not a number"},
            {"-d", "-1", "smcrouted: -d -1: must be 0 or more"},
            {"-D", "1s", "smcrouted: -D 1s: not a number"},
            {"-m", "20s", "smcrouted: -m 20s: not a number"},
            {"-t", "", "smcrouted: -t : not a number"},
            {"-t", "99999999999", "smcrouted: -t 99999999999: not a number"},
        };
        for (String[] b : bad) {
            Options.Exit e = exit(b[0], b[1]);
            assertThat(e.code()).as(b[0] + " " + b[1]).isEqualTo(64);
            assertThat(e.stdout()).isEmpty();
            assertThat(e.stderr()).isEqualTo(b[2] + "\nTry 'smcrouted -h' for more information.\n");
        }
    }

    @Test
    void verifyRaisesLogLevelUnlessGiven() {
        Options o = ok("-F", "/tmp/a.conf");
        assertThat(o.verifyFile()).isEqualTo("/tmp/a.conf");
        assertThat(o.logLevel()).isEqualTo(Log.INFO);
        assertThat(ok("-l", "err", "-F", "x").logLevel()).isEqualTo(Log.ERR);
        assertThat(ok("-F", "x", "-l", "notice").logLevel()).isEqualTo(Log.NOTICE);
    }

    @Test
    void aNonOptionArgumentIsAUsageError() {
        // "-f -F x.conf": -f takes "-F" as its file, and x.conf is left over
        Options.Exit e = exit("-f", "-F", "x.conf");
        assertThat(e.code()).isEqualTo(64);
        assertThat(e.stderr()).startsWith("smcrouted: unexpected argument 'x.conf'");
        assertThat(exit("junk", "-n").code()).isEqualTo(64);
    }

    @Test
    void syntaxOnlyGoesWithVerify() {
        assertThat(ok("-F", "x.conf", "--syntax-only").syntaxOnly()).isTrue();
        assertThat(ok("-F", "x.conf").syntaxOnly()).isFalse();
        assertThat(exit("--syntax-only").stderr()).startsWith("smcrouted: --syntax-only goes with -F FILE\n");
        assertThat(exit("--syntax-only=yes").code()).isEqualTo(64);
    }

    @Test
    void help() {
        Options.Exit e = exit("-i", "foo", "-h");
        assertThat(e.code()).isZero();
        assertThat(e.stderr()).isEmpty();
        assertThat(e.stdout()).startsWith("Usage: smcrouted ")
                .contains("/etc/foo.conf", "/run/foo.pid", "/run/foo.sock")
                .contains("A bare 'phyint IFNAME' line")
                .contains("--range-limit N")
                .doesNotContain("-D");
        assertThat(exit("-h", "-i", "bar").stdout()).contains("/etc/bar.conf");
    }

    @Test
    void usageFitsIn79Columns() {
        for (String line : Options.usage("smcroute").split("\n")) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(79);
        }
    }

    @Test
    void version() {
        Options.Exit e = exit("-v");
        assertThat(e.code()).isZero();
        assertThat(e.stdout()).isEqualTo(Version.text());
        assertThat(e.stdout()).startsWith("SMCRoute v" + Version.VERSION + "\n\nBug report address: ")
                .contains("\nProject homepage:   ");
        assertThat(exit("-v", "-h").stdout()).isEqualTo(Version.text());
        assertThat(exit("-h", "-v").stdout()).startsWith("Usage:");
    }

    @Test
    void unknownOption() {
        Options.Exit e = exit("-n", "-x");
        assertThat(e.code()).isEqualTo(64);
        assertThat(e.stderr()).isEqualTo("smcrouted: invalid option -- 'x'\n");
        assertThat(e.stdout()).startsWith("Usage: smcrouted ");
        Options.Exit m = exit("-c");
        assertThat(m.code()).isEqualTo(64);
        assertThat(m.stderr()).isEqualTo("smcrouted: option requires an argument -- 'c'\n");
        assertThat(exit("--bogus").stderr()).isEqualTo("smcrouted: unrecognized option '--bogus'\n");
    }

    @Test
    void mrdiscRange() {
        assertThat(ok("-m", "4").mrdiscInterval()).isEqualTo(4);
        for (String bad : new String[] {"3", "181", "0"}) {
            Options.Exit e = exit("-m", bad);
            assertThat(e.code()).isEqualTo(64);
            assertThat(e.stdout()).isEmpty();
            assertThat(e.stderr()).startsWith("smcrouted: -m " + bad + ": invalid mrdisc announcement interval, 4-180\n");
        }
    }

    @Test
    void negativeTable() {
        Options.Exit e = exit("-t", "-1");
        assertThat(e.code()).isEqualTo(64);
        assertThat(e.stderr()).startsWith("smcrouted: -t -1: a table ID is 0 or more\n");
    }

    @Test
    void rangeLimit() {
        assertThat(ok("--range-limit=1").rangeLimit()).isEqualTo(1);
        assertThat(ok("--range", "100").rangeLimit()).isEqualTo(100);
        for (String bad : new String[] {"--range-limit=0", "--range-limit=-3", "--range-limit=x"}) {
            Options.Exit e = exit(bad);
            assertThat(e.code()).isEqualTo(64);
            assertThat(e.stderr()).startsWith("smcrouted: --range-limit " + bad.substring(14) + ": ");
        }
        assertThat(exit("--range-limit").stderr())
                .isEqualTo("smcrouted: option '--range-limit' requires an argument\n");
    }

    @Test
    void logLevelNames() {
        assertThat(ok("-l", "none").logLevel()).isEqualTo(Log.NONE);
        assertThat(ok("-l", "not").logLevel()).isEqualTo(Log.NOTICE);
        assertThat(ok("-l", "3").logLevel()).isEqualTo(Log.ERR);
        assertThat(ok("-l", "9").logLevel()).isEqualTo(Log.DEBUG);
        assertThat(ok("-l", "-1").logLevel()).isEqualTo(Log.NONE);
        for (String bad : new String[] {"foo", "", "3x"}) {
            Options.Exit e = exit("-l", bad);
            assertThat(e.code()).isEqualTo(64);
            assertThat(e.stderr()).startsWith("smcrouted: -l " + bad + ": unknown log level");
        }
    }

    @Test
    void metricsListenTakesALiteralAddressAndPortAndIsOffByDefault() {
        assertThat(ok().metricsListen()).isNull();
        assertThat(ok("--metrics-listen", "127.0.0.1:9810").metricsListen()).hasToString("127.0.0.1:9810");
        assertThat(ok("--metrics-listen=[::1]:9810").metricsListen()).hasToString("[::1]:9810");
        assertThat(ok("--metrics-l", "0.0.0.0:1").metricsListen()).hasToString("0.0.0.0:1");
        for (String bad : new String[] {"localhost:9810", "127.0.0.1", "127.0.0.1:", ":9810", "::1:9810", "[10.0.0.1]:9810",
            "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:99999999999", "127.0.0.1:9x", "[::1]9810"}) {
            Options.Exit e = exit("--metrics-listen", bad);
            assertThat(e.code()).as(bad).isEqualTo(Options.EX_USAGE);
            assertThat(e.stderr()).isEqualTo("smcrouted: --metrics-listen " + bad + ": expected ADDR:PORT or"
                    + " [ADDR6]:PORT, e.g. 127.0.0.1:9810\nTry 'smcrouted -h' for more information.\n");
        }
        assertThat(Options.usage("smcroute")).contains("--metrics-listen ADDR:PORT");
    }
}

package org.smcroute.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.smcroute.log.Log;

/** RFC 3164 datagrams as glibc's syslog(3) writes them, to a stand-in /dev/log. */
class SyslogTest {

    static final Clock FIXED = Clock.fixed(Instant.parse("2024-03-05T07:08:09Z"), ZoneOffset.UTC);
    static final String TS = "Mar  5 07:08:09";

    @Test
    void formatMatchesGlibc() {
        Syslog s = new Syslog("smcrouted", 42, "/nonexistent", FIXED);
        assertThat(s.format(Log.NOTICE, LocalDateTime.of(2024, 12, 31, 23, 59, 1), "x"))
                .isEqualTo("<29>Dec 31 23:59:01 smcrouted[42]: x");
        assertThat(s.format(Log.EMERG, LocalDateTime.of(2024, 1, 1, 0, 0, 0), ""))
                .isEqualTo("<24>Jan  1 00:00:00 smcrouted[42]: ");
        assertThat(s.format(Log.DEBUG, LocalDateTime.of(2024, 10, 10, 10, 10, 10), "d"))
                .startsWith("<31>Oct 10 10:10:10 ");
    }

    @Test
    void oneDatagramPerMessageWithExactBytes(@TempDir Path dir) throws Exception {
        String path = dir.resolve("log").toString();
        try (DgramReceiver r = new DgramReceiver(path); Syslog s = new Syslog("smcrouted", 1234, path, FIXED)) {
            s.write(Log.ERR, "Failed adding VIF for eth0: No such device");
            String long_ = "z".repeat(5000) + " ünïcode"; // never truncated
            s.write(Log.INFO, long_);
            assertThat(r.receive(2000)).isEqualTo(
                    ("<27>" + TS + " smcrouted[1234]: Failed adding VIF for eth0: No such device")
                            .getBytes(StandardCharsets.UTF_8));
            assertThat(r.receiveString(2000)).isEqualTo("<30>" + TS + " smcrouted[1234]: " + long_);
            assertThat(r.receive(50)).isNull();
        }
    }

    @Test
    void missingSocketIsRetriedLazily(@TempDir Path dir) throws Exception {
        String path = dir.resolve("log").toString();
        try (Syslog s = Syslog.open("smcrouted", path)) {
            assertThat(s.connected()).isFalse();
            s.write(Log.NOTICE, "lost"); // no exception, dropped
            try (DgramReceiver r = new DgramReceiver(path)) {
                s.write(Log.NOTICE, "found");
                assertThat(s.connected()).isTrue();
                assertThat(r.receiveString(2000))
                        .matches("<29>[A-Z][a-z]{2} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d smcrouted\\["
                                + ProcessHandle.current().pid() + "\\]: found");
                assertThat(r.receive(50)).isNull();
            }
        }
    }

    @Test
    void reconnectsOnceWhenTheLogDaemonRestarts(@TempDir Path dir) throws Exception {
        String path = dir.resolve("log").toString();
        DgramReceiver first = new DgramReceiver(path);
        try (Syslog s = Syslog.open("smcrouted", path)) {
            assertThat(s.connected()).isTrue();
            s.write(Log.NOTICE, "one");
            assertThat(first.receiveString(2000)).endsWith(": one");
            first.close(); // the log daemon goes away and a new one binds the same path
            Files.delete(Path.of(path));
            try (DgramReceiver second = new DgramReceiver(path)) {
                s.write(Log.NOTICE, "two");
                assertThat(second.receiveString(2000)).endsWith(": two");
            }
            Files.delete(Path.of(path));
            s.write(Log.NOTICE, "nobody listens"); // swallowed
            assertThat(s.connected()).isFalse();
        }
    }

    @Test
    void closedSinkDropsAndUnusablePathsNeverThrow(@TempDir Path dir) throws Exception {
        String path = dir.resolve("log").toString();
        try (DgramReceiver r = new DgramReceiver(path)) {
            Syslog s = Syslog.open("smcrouted", path);
            s.close();
            s.close();
            s.write(Log.ERR, "after close");
            assertThat(r.receive(50)).isNull();
        }
        try (Syslog s = Syslog.open("x", "/" + "p".repeat(200))) {
            s.write(Log.ERR, "too long a path");
            assertThat(s.connected()).isFalse();
        }
        new Log(Log.DEBUG, Syslog.open("x", dir.resolve("none").toString())).err("through Log");
    }
}

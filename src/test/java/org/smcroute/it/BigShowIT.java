package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A read-only command never kills the router: with 500,000 (S,G) routes, {@code show} and
 * {@code -j show} are answered in full, streamed in pieces, and the daemon is still up and
 * answering afterwards.
 */
@ExtendWith(NetnsExtension.class)
class BigShowIT {

    private static final int ROUTES = 500_000;

    @Test
    void halfAMillionRoutesAreShownInFullAndTheDaemonStaysUp() throws IOException {
        try (Topology t = Topology.create(1)) {
            Path dir = Files.createTempDirectory("smcr-it-big-");
            try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("smcroute.conf"))) {
                for (int i = 0; i < ROUTES; i++) {
                    String low = ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255);
                    w.write("mroute from eth0 source 10." + low + " group 225." + low + " to eth1\n");
                }
            }
            // 500,000 routes need more than the default heap ceiling (smcrouted(8), LIMITS)
            try (Daemon d = Daemon.start(t.router(), dir, new String[] {"-l", "notice"}, "SMCROUTED_JAVA_OPTS=-Xmx512m")) {
                String ctl = "env JAVA_HOME=" + Project.javaHome() + " " + Project.bin("smcroutectl") + " -u " + d.socket();
                // every route twice, as (S,G) rule and as kernel entry, plus titles and headings
                Exec.Result text = t.router().sh(ctl + " -t show | grep -c '^(10\\.'");
                assertThat(text.out().strip()).as(text.toString()).isEqualTo(String.valueOf(2 * ROUTES));
                Exec.Result json = t.router().sh(ctl + " -j show | grep -o '\"group\"' | wc -l");
                assertThat(json.out().strip()).as(json.toString()).isEqualTo(String.valueOf(2 * ROUTES));
                Exec.Result tail = t.router().sh(ctl + " -j show | tail -c 4 | od -An -c");
                assertThat(tail.out()).as("the document ends whole").contains("]   }   }  \\n");
                assertThat(d.isAlive()).isTrue();
                assertThat(d.ctl().run("show", "interfaces").ok().out()).contains("eth1");
                System.out.printf("BigShowIT: %d routes shown in full; daemon VmRSS %d MiB%n", ROUTES,
                        IpcFuzzIT.rssKib(d.pid()) / 1024);
                d.stopCleanly();
            }
        }
    }
}

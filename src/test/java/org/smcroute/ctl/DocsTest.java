package org.smcroute.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.daemon.Options;

/**
 * Keeps the manual pages and the shipped files in step with the code: every option and command is
 * documented, the known errors of the original's documentation are not repeated, the systemd unit
 * is a notify service reloaded through smcroutectl, and the example configuration ends by including
 * /etc/smcroute.d. (Lives in this package for {@link Commands#NAMES}.)
 */
class DocsTest {

    private static String read(String file) throws IOException {
        return Files.readString(Path.of(System.getProperty("smcroute.home", ".")).resolve(file));
    }

    /** Roff source with the usual escapes undone, so that "\-i" reads as "-i". */
    private static String text(String file) throws IOException {
        return read(file).replace("\\-", "-").replace("\\fI", "").replace("\\fP", "").replace("\\fR", "")
                .replace("\\fB", "").replace("\\&", "");
    }

    @Test
    void daemonPageDocumentsEveryOption() throws IOException {
        String page = text("doc/smcrouted.8");
        for (char c : Options.OPTSTRING.replace(":", "").toCharArray()) {
            if (c == 'D') {
                continue; // diagnostic, deliberately undocumented
            }
            assertThat(page).as("option -" + c).containsPattern("(?m)^\\.[BI]+R? -" + c + "\\b");
        }
        assertThat(page).contains("--range-limit", "-range-limit=", "--metrics-listen", "-metrics-listen=",
                "GET /metrics", "scrape_configs:");
    }

    @Test
    void daemonPageStatesTheContractNotTheOriginalsMistakes() throws IOException {
        String page = text("doc/smcrouted.8");
        assertThat(page).doesNotContainPattern("(?m)^\\.B[IR]* -S\\b");
        assertThat(page).contains("EX_SOFTWARE").containsPattern("(?m)^\\.B 70$");
        for (String code : List.of("69", "76", "77")) {
            assertThat(page).containsPattern("(?m)^\\.B " + code + "$");
        }
        assertThat(page).contains("CAP_NET_ADMIN", "CAP_NET_RAW", "once after start-up", "ip mrule add iif",
                "removes every learned entry at once", "compiled in, is\n.BR notice", "without a reload")
                .doesNotContain("2048");
    }

    @Test
    void clientPageDocumentsEveryCommandAndOption() throws IOException {
        String page = text("doc/smcroutectl.8");
        for (String name : Commands.NAMES) {
            assertThat(page).as(name).containsPattern("(?m)^\\.B[IR]* .*\\b" + name + "\\b");
        }
        for (char c : Main.OPTIONS.replace(":", "").toCharArray()) {
            assertThat(page).as("option -" + c).containsPattern("(?m)^\\.BI? -" + c + "\\b");
        }
        assertThat(page).contains("first match wins", "JSON");
        for (String section : List.of(".SH METRICS", ".SH EVENTS", ".SH DOCTOR")) {
            assertThat(page).contains(section);
        }
        for (String event : List.of("route-add", "route-del", "learned", "iface-up", "iface-down", "join", "leave",
                "reload-start", "reload-done")) {
            assertThat(page).as("event " + event).containsPattern("(?m)^\\.BR? .*\\b" + event + "\\b");
        }
        for (String code : List.of("rp-filter", "no-multicast", "link-local-group", "missing-iface", "ttl",
                "vif-capacity", "mc-forwarding", "iface-down", "cache-full", "config")) {
            assertThat(page).as("doctor code " + code).containsPattern("(?m)^\\.B " + code + "$");
        }
    }

    @Test
    void systemdUnitAndShippedFiles() throws IOException {
        String unit = read("etc/smcroute.service");
        assertThat(unit).contains("Type=notify\n", "NotifyAccess=main\n",
                "ExecStart=@SBINDIR@/smcrouted -n -s $SMCROUTED_OPTS $SMCROUTED_ARGS\n",
                "ExecReload=@SBINDIR@/smcroutectl ", "EnvironmentFile=-@SYSCONFDIR@/default/smcroute\n",
                "After=network-online.target\n", "Requires=network-online.target\n", "NoNewPrivileges=yes\n",
                "ProtectControlGroups=yes\n", "ProtectHome=yes\n", "ProtectSystem=strict\n",
                "ReadWritePaths=@RUNSTATEDIR@\n", "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW\n",
                "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK\n", "WantedBy=multi-user.target\n");
        assertThat(read("etc/default/smcroute")).containsPattern("(?m)^SMCROUTED_OPTS=$")
                .doesNotContainPattern("(?m)^SMCROUTED_(OPTS|ARGS)=.");
        assertThat(read("etc/smcroute.conf")).endsWith("include /etc/smcroute.d/*.conf\n");
    }
}

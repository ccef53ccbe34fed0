package org.smcroute.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.log.Log;

/**
 * The SPEC §4.3 drop sequence for real, in a child JVM (the test JVM keeps root), inside the
 * private namespace: afterwards the child runs as nobody yet can still MRT_INIT and open raw
 * sockets, and cannot get root back.
 */
class PrivilegesIT {

    @BeforeAll
    static void namespace() throws Exception {
        NetnsFixture.ensure();
    }

    @Test
    void dropKeepsOnlyNetAdminAndNetRaw() throws Exception {
        Privileges.Account nobody = Privileges.user("nobody");
        org.junit.jupiter.api.Assumptions.assumeTrue(nobody != null, "no user nobody");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Child.class.getName(), "nobody"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        Map<String, String> r = new HashMap<>();
        for (String l : out.split("\n")) {
            int eq = l.indexOf('=');
            if (eq > 0) {
                r.put(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        assertThat(r).as(out)
                .containsEntry("uid", nobody.uid() + " " + nobody.uid() + " " + nobody.uid() + " " + nobody.uid())
                .containsEntry("gid", nobody.gid() + " " + nobody.gid() + " " + nobody.gid() + " " + nobody.gid())
                .containsEntry("groups", Integer.toString(nobody.gid()))
                .containsEntry("capEff", "0000000000003000")
                .containsEntry("capPrm", "0000000000003000")
                .containsEntry("hasNetAdmin", "true")
                .containsEntry("regainRoot", "false")
                .containsEntry("mrtInit", "ok");
    }

    /** Runs in the child: drops to {@code args[0]} and reports what it ended up with. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Privileges.Account a = Privileges.user(args[0]);
            Privileges.keepCapabilities();
            Privileges.initgroups(a.name(), a.gid());
            Privileges.setgid(a.gid());
            Privileges.setuid(a.uid());
            Privileges.limitCapabilities(Posix.CAP_NET_ADMIN, Posix.CAP_NET_RAW);
            List<String> st = Files.readAllLines(Path.of("/proc/thread-self/status"));
            System.out.println("uid=" + String.join(" ", PrivilegesTest.field(st, "Uid:")));
            System.out.println("gid=" + String.join(" ", PrivilegesTest.field(st, "Gid:")));
            System.out.println("groups=" + String.join(" ", PrivilegesTest.field(st, "Groups:")));
            System.out.println("capEff=" + PrivilegesTest.field(st, "CapEff:")[0]);
            System.out.println("capPrm=" + PrivilegesTest.field(st, "CapPrm:")[0]);
            System.out.println("hasNetAdmin=" + Posix.hasCapNetAdmin());
            System.out.println("regainRoot=" + Privileges.canRegainRoot());
            // MRT_TABLE + MRT_INIT need CAP_NET_ADMIN, the socket CAP_NET_RAW
            try (RoutingSocket k = new LinuxKernel(new Log(Log.NONE)).openRouting(Family.INET, 77)) {
                System.out.println("mrtInit=ok");
            }
        }
    }
}

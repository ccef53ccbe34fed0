package org.smcroute.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.KernelException;

/** What can be checked without dropping the test JVM's own privileges; PrivilegesIT drops in a child. */
class PrivilegesTest {

    @Test
    void userAndGroupLookups() throws Exception {
        assertThat(Privileges.user("root")).isEqualTo(new Privileges.Account("root", 0, 0));
        assertThat(Privileges.group("root")).isZero();
        assertThat(Privileges.user("no-such-user-smcroute")).isNull();
        assertThat(Privileges.group("no-such-group-smcroute")).isEqualTo(-1);
        assertThat(Privileges.user("")).isNull();
        // agree with the passwd file for every local user (exercises the buffer growth path too)
        for (String l : Files.readAllLines(Path.of("/etc/passwd"))) {
            String[] f = l.split(":");
            if (f.length >= 4 && !l.startsWith("#") && !f[0].startsWith("+")) {
                assertThat(Privileges.user(f[0])).as(f[0])
                        .isEqualTo(new Privileges.Account(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3])));
            }
        }
    }

    @Test
    void idCallsToTheCurrentIdsAreHarmless() throws Exception {
        List<String> st = Files.readAllLines(Path.of("/proc/thread-self/status"));
        int uid = Integer.parseInt(field(st, "Uid:")[0]);
        int gid = Integer.parseInt(field(st, "Gid:")[0]);
        Privileges.setgid(gid);
        Privileges.setuid(uid);
        assertThatThrownBy(() -> Privileges.setuid(-1))
                .isInstanceOfSatisfying(KernelException.class, e -> {
                    assertThat(e.op()).isEqualTo("setuid");
                    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
                });
        Privileges.keepCapabilities(); // only matters at the next uid change, which never comes here
        assertThatThrownBy(() -> Privileges.limitCapabilities(64)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fileLimitIsRaisedToTheHardLimit() throws Exception {
        long soft = Privileges.raiseFileLimit();
        String hard = Files.readAllLines(Path.of("/proc/self/limits")).stream()
                .filter(l -> l.startsWith("Max open files")).findFirst().orElseThrow()
                .substring(26).trim().split("\\s+")[1];
        assertThat(Long.toString(soft)).isEqualTo(hard);
        assertThat(Privileges.raiseFileLimit()).isEqualTo(soft);
    }

    static String[] field(List<String> status, String key) {
        return status.stream().filter(l -> l.startsWith(key)).findFirst().orElseThrow()
                .substring(key.length()).trim().split("\\s+");
    }
}

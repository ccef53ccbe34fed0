package org.smcroute.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify(3)'s datagram protocol against a stand-in notify socket. */
class SdNotifyTest {

    static final String READY = "READY=1\nSTATUS=Ready, waiting for client request or kernel event.\nMAINPID=7";

    @Test
    void pathSocket(@TempDir Path dir) throws Exception {
        String path = dir.resolve("notify").toString();
        SdNotify n = SdNotify.of(path);
        assertThat(n.socket()).isEqualTo(path);
        try (DgramReceiver r = new DgramReceiver(path)) {
            n.send(READY);
            n.send("READY=1");
            assertThat(r.receiveString(2000)).isEqualTo(READY);
            assertThat(r.receiveString(2000)).isEqualTo("READY=1");
            assertThat(r.receive(50)).isNull();
        }
        n.send("RELOADING=1"); // nobody listens: swallowed
    }

    @Test
    void abstractSocket() throws Exception {
        String name = "@smcroute-test-" + ProcessHandle.current().pid();
        try (DgramReceiver r = new DgramReceiver(name)) {
            SdNotify.of(name).send("RELOADING=1\nSTATUS=Reloading configuration, please wait ...");
            assertThat(r.receiveString(2000)).isEqualTo("RELOADING=1\nSTATUS=Reloading configuration, please wait ...");
            // the name is exact: a longer or shorter one is another socket
            SdNotify.of(name + "x").send("X=1");
            SdNotify.of(name.substring(0, name.length() - 1)).send("X=1");
            assertThat(r.receive(50)).isNull();
        }
    }

    @Test
    void unusableValuesGiveNoNotifier() {
        assertThat(SdNotify.of(null)).isNull();
        assertThat(SdNotify.of("")).isNull();
        assertThat(SdNotify.of("@")).isNull();
        assertThat(SdNotify.of("relative/path")).isNull();
        assertThat(SdNotify.of("vsock:2:1234")).isNull();
        assertThat(SdNotify.of("/" + "p".repeat(107))).isNull();
        assertThat(SdNotify.of("/" + "p".repeat(106))).isNotNull();
        assertThat(SdNotify.of("@" + "p".repeat(107))).isNotNull();
        assertThat(SdNotify.of("@" + "p".repeat(108))).isNull();
        if (System.getenv("NOTIFY_SOCKET") == null) {
            assertThat(SdNotify.fromEnvironment()).isNull();
        }
    }
}

package org.smcroute.ctl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Shared set-up for client tests: temp RUNSTATEDIR, a fake daemon, captured streams. */
abstract class ClientTestBase {

    @TempDir
    Path dir;
    Path sock;
    volatile FakeDaemon daemon;
    String stdout;
    String stderr;
    byte[] stdoutBytes;

    @BeforeEach
    void setUp() {
        System.setProperty("smcroute.runstatedir", dir.toString());
        sock = dir.resolve("smcroute.sock");
        System.setProperty("smcroute.ctl.retry-ms", "5");
    }

    @AfterEach
    void tearDown() throws IOException {
        System.clearProperty("smcroute.runstatedir");
        System.clearProperty("smcroute.ctl.retry-ms");
        if (daemon != null) {
            daemon.close();
        }
    }

    void daemon(String reply) throws IOException {
        daemon = new FakeDaemon(sock, r -> FakeDaemon.reply(reply));
    }

    int batch(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        stdoutBytes = out.toByteArray();
        stdout = out.toString(StandardCharsets.UTF_8);
        stderr = err.toString(StandardCharsets.UTF_8);
        return rc;
    }

    int run(String... args) {
        return batch("", args);
    }
}

package org.smcroute.daemon;

import java.nio.file.Path;
import org.smcroute.conf.ConfigReader;
import org.smcroute.conf.DirectiveHandler;
import org.smcroute.conf.ReadResult;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.log.Log;
import org.smcroute.sys.LinuxKernel;
import org.smcroute.text.Bytes;

/**
 * {@code smcrouted -F FILE} (SPEC §4.7): parse as the initial load would, against this host's
 * interfaces, with every warning counted as an error. Exit 0 or 78.
 */
final class Verify {

    private static final int EX_CONFIG = 78;

    private Verify() {
    }

    static int run(Options opts) {
        String file = opts.verifyFile();
        int[] problems = new int[1];
        Log log = new Log(opts.logLevelGiven() ? opts.logLevel() : Log.INFO, (lvl, msg) -> {
            if (msg.startsWith("Parse error in ")) {
                return;
            }
            if (lvl <= Log.WARNING) {
                problems[0]++;
            }
            Bytes.print(System.out, msg + "\n");
        });
        Bytes.print(System.out, "Verifying configuration file " + file + " ..." + "\n");
        DirectiveHandler handler;
        if (opts.syntaxOnly()) {
            handler = new SyntaxCheck(log, opts.rangeLimit());
        } else {
            Kernel kernel = new VerifyKernel(new LinuxKernel(log));
            State state = new State(kernel, log, opts.bareDisables(), opts.rangeLimit(), true);
            try {
                state.ifaces().refresh(kernel.links());
                for (Family f : Family.values()) {
                    state.routing().open(f, 0);
                }
            } catch (KernelException e) {
                Bytes.print(System.out, "Cannot enumerate interfaces: " + e.reason() + "\n");
                return 71;
            }
            handler = state.applier();
        }
        ReadResult r = new ConfigReader(log).read(Path.of(file), handler);
        if (r instanceof ReadResult.Missing) {
            Bytes.print(System.out, "Configuration file " + file + " does not exist" + "\n");
            return EX_CONFIG;
        }
        if (r instanceof ReadResult.Unreadable u) {
            Bytes.print(System.out, "Failed opening " + file + ": " + u.reason() + "\n");
            return EX_CONFIG;
        }
        if (!((ReadResult.Read) r).success() || problems[0] > 0) {
            Bytes.print(System.out, "Parse error in " + file + "\n");
            return EX_CONFIG;
        }
        return 0;
    }
}

package org.smcroute.daemon;

import java.nio.file.Path;
import org.smcroute.conf.ConfigReader;
import org.smcroute.conf.ReadResult;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.log.Log;
import org.smcroute.sys.LinuxKernel;

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
            System.out.println(msg);
        });
        System.out.println("Verifying configuration file " + file + " ...");
        try (LinuxKernel real = new LinuxKernel(log); VerifyKernel kernel = new VerifyKernel(real)) {
            State state = new State(kernel, log, opts.bareDisables(), opts.rangeLimit());
            state.ifaces.refresh(kernel.links());
            for (Family f : Family.values()) {
                kernel.open(f, 0);
            }
            ReadResult r = new ConfigReader(log).read(Path.of(file), state.applier);
            switch (r) {
                case ReadResult.Missing m -> {
                    System.out.println("Configuration file " + file + " does not exist");
                    return EX_CONFIG;
                }
                case ReadResult.Unreadable u -> {
                    System.out.println("Failed opening " + file + ": " + u.reason());
                    return EX_CONFIG;
                }
                case ReadResult.Read read -> {
                    if (!read.success() || problems[0] > 0) {
                        System.out.println("Parse error in " + file);
                        return EX_CONFIG;
                    }
                    return 0;
                }
            }
        } catch (KernelException e) {
            System.out.println("Cannot enumerate interfaces: " + e.reason());
            return 71;
        }
    }
}

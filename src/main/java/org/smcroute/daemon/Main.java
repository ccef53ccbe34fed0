package org.smcroute.daemon;

import org.smcroute.kernel.KernelException;
import org.smcroute.log.Log;
import org.smcroute.sys.LinuxKernel;
import org.smcroute.sys.Posix;

/** {@code smcrouted}: option handling, the foreground checks, then the daemon (SPEC §4.1). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Options.Result parsed = Options.parse(args);
        if (parsed instanceof Options.Exit exit) {
            System.out.print(exit.stdout());
            System.err.print(exit.stderr());
            System.out.flush();
            System.err.flush();
            return exit.code();
        }
        Options opts = ((Options.Run) parsed).options();
        if (opts.verifyFile() != null) {
            return Verify.run(opts);
        }
        Log log = new Log(opts.logLevel());
        if (!opts.syslogOnly()) {
            log.addSink(Log.stderr(opts.ident(), Posix.getpid()));
        }
        if (Posix.geteuid() != 0 && !Posix.hasCapNetAdmin()) {
            log.err("Need root privileges to start smcrouted");
            return 77;
        }
        try (LinuxKernel kernel = new LinuxKernel(log)) {
            return new Daemon(opts, log, kernel).run();
        } catch (KernelException e) {
            log.err("Failed starting: " + e.getMessage());
            return 71;
        } catch (RuntimeException e) {
            log.err("Internal error: " + e);
            return 70;
        }
    }
}

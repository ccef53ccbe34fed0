package org.smcroute.daemon;

import org.smcroute.cli.ProcessName;
import org.smcroute.kernel.KernelException;
import org.smcroute.log.Log;
import org.smcroute.sys.LinuxKernel;
import org.smcroute.sys.Posix;
import org.smcroute.sys.Syslog;

/** {@code smcrouted}: option handling, the foreground checks, then the daemon (SPEC §4.1). */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ProcessName.set(Options.PROG);
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
        Options opts = Detach.absolute(((Options.Run) parsed).options());
        if (opts.verifyFile() != null) {
            return Verify.run(opts);
        }
        Identity drop = null;
        if (opts.user() != null) {
            drop = Identity.resolve(opts.user());
            if (drop.error() != null) {
                System.err.println("smcrouted: Invalid user:group argument: " + drop.error());
                return 1;
            }
        }
        boolean child = Detach.isChild();
        Log log = new Log(opts.logLevel());
        if (opts.foreground() && !opts.syslogOnly()) {
            log.addSink(Log.stderr(opts.ident(), Posix.getpid()));
        }
        if (Posix.geteuid() != 0 && !Posix.hasCapNetAdmin()) {
            if (!opts.foreground()) {
                System.err.println("smcrouted: Need root privileges to start smcrouted");
            }
            // logging is open before this check (SPEC §4.1 steps 3-4), so syslog gets it too
            try (Syslog syslog = Syslog.open(opts.ident(), syslogSocket())) {
                log.addSink(syslog);
                log.err("Need root privileges to start smcrouted");
            }
            return 77;
        }
        if (!opts.foreground() && !child) {
            return Detach.parent(Main.class.getName());
        }
        Detach.Channel channel = child ? new Detach.Channel(System.out) : null;
        if (channel != null) {
            log.addSink(channel.sink());
        }
        try (Syslog syslog = Syslog.open(opts.ident(), syslogSocket())) {
            log.addSink(syslog);
            int rc = runDaemon(opts, log, channel, drop);
            if (channel != null) {
                channel.exit(rc);
            }
            return rc;
        }
    }

    /** {@code /dev/log}, or {@code $SMCROUTE_SYSLOG_SOCKET} (tests, chroots; smcrouted(8)). */
    static String syslogSocket() {
        String s = System.getenv("SMCROUTE_SYSLOG_SOCKET");
        return s == null || s.isEmpty() ? Syslog.DEV_LOG : s;
    }

    private static int runDaemon(Options opts, Log log, Detach.Channel channel, Identity drop) {
        try {
            Daemon d = new Daemon(opts, log, new LinuxKernel(log));
            d.dropPrivileges(drop);
            if (channel != null) {
                d.onReady(channel::ready);
            }
            return d.run();
        } catch (KernelException e) {
            log.err("Failed starting: " + e.getMessage());
            return 71;
        } catch (RuntimeException e) {
            log.err("Internal error: " + e);
            return 70;
        } catch (OutOfMemoryError e) {
            // Never half-alive: out of the loop, the kernel state is gone with the process, and
            // a supervisor restarts on this status (the unit's Restart=on-failure does).
            log.err("Out of memory: " + e.getMessage() + "; exiting with status " + EX_OUT_OF_MEMORY
                    + ". Raise the heap with SMCROUTED_JAVA_OPTS=-Xmx... (see smcrouted(8))");
            return EX_OUT_OF_MEMORY;
        }
    }

    /** EX_SOFTWARE: a status systemd's Restart=on-failure restarts. */
    static final int EX_OUT_OF_MEMORY = 70;
}

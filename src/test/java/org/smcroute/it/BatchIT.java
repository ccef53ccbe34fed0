package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code smcroutectl -b} against the real daemon. The client keeps several lines' connections open
 * at a time (ctl.Pipeline), so these tests pin down what must not change with that: lines take
 * effect in their order, even when each one undoes the previous, and every message comes out in
 * line order.
 */
@ExtendWith(NetnsExtension.class)
class BatchIT {

    /** Many times the client's window, so that connections overlap all the way through. */
    private static final int GROUPS = 600;

    private static String group(int i) {
        return "225.3." + (i / 250) + "." + (i % 250 + 1);
    }

    @Test
    void linesThatUndoEachOtherTakeEffectInLineOrder() {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), "phyint eth1 enable\n")) {
            StringBuilder in = new StringBuilder();
            Set<String> routes = new TreeSet<>();
            Set<String> joined = new TreeSet<>();
            for (int i = 0; i < GROUPS; i++) {
                String g = group(i);
                // add, remove, and add again for two groups out of three: a reordered pair
                // leaves a route that should be gone, or fails with "No such route"
                in.append("add eth0 10.0.0.2 ").append(g).append(" eth1\n");
                in.append("rem eth0 10.0.0.2 ").append(g).append('\n');
                if (i % 3 != 0) {
                    in.append("add eth0 10.0.0.2 ").append(g).append(" eth1\n");
                    routes.add(g);
                }
                in.append("join eth1 ").append(g).append('\n');
                in.append("leave eth1 ").append(g).append('\n');
                if (i % 2 == 0) {
                    in.append("join eth1 ").append(g).append('\n');
                    joined.add(g);
                }
            }
            Exec.Result res = withStalls(d, () -> d.ctl().batch(in.toString()));
            assertThat(res.exit()).as(res.err()).isZero();
            assertThat(res.err()).isEmpty();

            Set<String> kernel = new TreeSet<>();
            for (ProcFiles.Mfc m : ProcFiles.cache(t.router(), false)) {
                kernel.add(m.group());
            }
            assertThat(kernel).isEqualTo(routes);
            Set<String> members = new TreeSet<>();
            for (GroupsIT.Member m : GroupsIT.memberships(t.router())) {
                if (m.dev().equals("eth1") && m.group().startsWith("225.3.")) {
                    members.add(m.group());
                }
            }
            assertThat(members).isEqualTo(joined);
            d.stopCleanly();
        }
    }

    /**
     * Runs {@code batch} while the daemon is stopped (SIGSTOP) for 30 ms out of every 60, as a
     * busy machine might: connections then queue up and become ready together, and the order in
     * which the daemon serves ready connections decides the order of execution.
     */
    private static Exec.Result withStalls(Daemon d, Supplier<Exec.Result> batch) {
        AtomicBoolean done = new AtomicBoolean();
        Thread staller = Thread.ofPlatform().start(() -> {
            ProcessHandle h = ProcessHandle.of(d.pid()).orElseThrow();
            while (!done.get()) {
                signal(h, "STOP");
                Mcast.sleep(30);
                signal(h, "CONT");
                Mcast.sleep(30);
            }
        });
        try {
            return batch.get();
        } finally {
            done.set(true);
            try {
                staller.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            signal(ProcessHandle.of(d.pid()).orElseThrow(), "CONT");
        }
    }

    private static void signal(ProcessHandle h, String sig) {
        Exec.run("kill", "-" + sig, String.valueOf(h.pid())).ok();
    }

    @Test
    void messagesComeOutInLineOrder() {
        try (Topology t = Topology.create(1);
             Daemon d = Daemon.start(t.router(), "")) {
            StringBuilder in = new StringBuilder();
            List<String> want = new ArrayList<>();
            for (int i = 0; i < GROUPS; i++) {
                String g = group(i);
                in.append("add eth0 10.0.0.2 ").append(g).append(" eth1\n");
                if (i % 7 == 3) {
                    // the daemon's error for a line still in flight, then the client's own
                    in.append("rem eth0 10.0.0.9 ").append(g).append('\n');
                    want.add("smcroutectl: line " + lines(in) + ": rem eth0 10.0.0.9 " + g
                            + ": No such route (10.0.0.9, " + g + ") from eth0");
                    in.append("bogus").append(i).append('\n');
                    want.add("smcroutectl: line " + lines(in) + ": bogus" + i + ": Unknown command bogus" + i);
                }
                if (i % 101 == 50) {
                    in.append("join eth1\n");
                    want.add("smcroutectl: line " + lines(in) + ": join eth1: Not enough arguments to command join");
                }
            }
            in.append("show routes\n");
            Exec.Result res = d.ctl().batch(in.toString(), "-p");
            assertThat(res.err().lines().toList()).containsExactlyElementsOf(want);
            assertThat(res.exit()).isEqualTo(Math.min(255, want.size()));
            // the show line ran after every add before it, and after the help text of join
            assertThat(res.out()).contains("(10.0.0.2, " + group(GROUPS - 1) + ")");
            assertThat(res.out().indexOf("Help:")).isLessThan(res.out().indexOf("(S,G) Rules"));
            assertThat(ProcFiles.cache(t.router(), false)).hasSize(GROUPS);
            d.stopCleanly();
        }
    }

    /** The number of lines in {@code in}, which ends with a newline: the last line's number. */
    private static int lines(StringBuilder in) {
        int n = 0;
        for (int i = 0; i < in.length(); i++) {
            n += in.charAt(i) == '\n' ? 1 : 0;
        }
        return n;
    }
}

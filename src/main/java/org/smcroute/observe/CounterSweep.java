package org.smcroute.observe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.smcroute.kernel.Counters;
import org.smcroute.kernel.Routing;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.loop.EventLoop;
import org.smcroute.route.KernelEntry;

/**
 * Reads the kernel counters of a list of MFC entries one time slice at a time, handing the
 * state thread back to the loop in between: 100k entries are 100k ioctls, and IPC, upcalls and
 * timers must not wait for all of them. An entry deleted before its turn is left unread.
 *
 * <p>A sweep can be used again: its list and arrays only grow, so {@link Metrics} keeps one for
 * the scrapes that come every few seconds, which then leave no megabytes of garbage to age into
 * the old generation and set off full collections.
 */
final class CounterSweep {

    /** Longest stretch of reads before the loop gets a turn. */
    static final long SLICE_NANOS = 5_000_000L;

    private final EventLoop loop;
    private final Routing routing;
    /** The entries to read; fill it, then {@link #start}. */
    final List<KernelEntry> entries = new ArrayList<>();
    long[] packets = new long[0];
    long[] bytes = new long[0];
    long[] wrongIf = new long[0];
    boolean[] read = new boolean[0];
    private int next;
    /** Counts uses: a slice posted for an earlier use that was cancelled finds it changed and stops. */
    private int use;
    private Runnable done;

    CounterSweep(EventLoop loop, Routing routing) {
        this.loop = loop;
        this.routing = routing;
    }

    /** Starts reading {@link #entries} on the next loop turn; {@code done} runs on the loop once all are read. */
    void start(Runnable done) {
        int n = entries.size();
        if (packets.length < n) {
            packets = new long[n];
            bytes = new long[n];
            wrongIf = new long[n];
            read = new boolean[n];
        }
        Arrays.fill(read, 0, n, false);
        this.done = done;
        next = 0;
        int u = ++use;
        loop.post(() -> step(u));
    }

    /** Stops reading; {@code done} never runs. */
    void cancel() {
        use++;
    }

    /** Stops reading and forgets the entries (not the arrays), for the next use. */
    void clear() {
        use++;
        entries.clear();
    }

    private void step(int u) {
        if (u != use) {
            return;
        }
        long deadline = System.nanoTime() + SLICE_NANOS;
        int n = entries.size();
        while (next < n && System.nanoTime() - deadline < 0) {
            int i = next++;
            KernelEntry e = entries.get(i);
            RoutingSocket k = routing.socket(e.family());
            if (k == null || !e.installed()) {
                continue;
            }
            Counters c = k.counters(e.source(), e.group());
            packets[i] = c.packets();
            bytes[i] = c.bytes();
            wrongIf[i] = c.wrongIf();
            read[i] = true;
        }
        if (next < n) {
            loop.post(() -> step(u));
        } else {
            done.run();
        }
    }
}

package org.smcroute.proxy;

import java.util.PriorityQueue;
import org.smcroute.loop.LoopIo;

/**
 * The proxy's timers on one event-loop timer. Protocol objects keep their deadlines as plain
 * fields and tell this queue after a change; a later deadline (a report refreshing a membership,
 * the common case) costs nothing, an earlier one adds an entry, and entries left behind by a
 * change are dropped when they come up. So a flood of reports neither grows the queue nor
 * re-arms the loop timer, and there are never more entries than changes to earlier deadlines.
 */
final class Deadlines {

    /** Something with a deadline; 0 means none. */
    abstract static class Timed {
        /** The deadline this object is queued at, or MAX_VALUE when not queued. */
        private long queuedAt = Long.MAX_VALUE;

        abstract long deadline();

        /** Called once the deadline has passed; acts on everything due at {@code now}. */
        abstract void fire(long now);
    }

    private record Entry(long at, Timed timed) implements Comparable<Entry> {
        @Override
        public int compareTo(Entry o) {
            return Long.compare(at, o.at);
        }
    }

    private final LoopIo io;
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private Runnable armed;
    private long armedAt = Long.MAX_VALUE;

    Deadlines(LoopIo io) {
        this.io = io;
    }

    /** Call after {@code t}'s deadline may have moved. */
    void update(Timed t) {
        long d = t.deadline();
        if (d > 0 && d < t.queuedAt) {
            t.queuedAt = d;
            queue.add(new Entry(d, t));
            arm();
        }
    }

    /** Entries waiting, stale ones included (for tests and diagnostics). */
    int size() {
        return queue.size();
    }

    private void arm() {
        Entry head = queue.peek();
        if (head == null || head.at >= armedAt) {
            return;
        }
        if (armed != null) {
            armed.run();
        }
        armedAt = head.at;
        armed = io.at(head.at, this::run);
    }

    private void run() {
        armed = null;
        armedAt = Long.MAX_VALUE;
        long now = io.now();
        for (Entry e; (e = queue.peek()) != null && e.at <= now; ) {
            queue.poll();
            Timed t = e.timed;
            if (e.at != t.queuedAt) {
                continue; // left behind by an earlier deadline
            }
            t.queuedAt = Long.MAX_VALUE;
            long d = t.deadline();
            if (d > 0 && d <= now) {
                t.fire(now);
            }
            if (t.deadline() > now) {
                update(t); // a deadline that did not move on stays unqueued until the next change
            }
        }
        arm();
    }

    /** Forgets every entry (shutdown). */
    void clear() {
        for (Entry e : queue) {
            e.timed.queuedAt = Long.MAX_VALUE;
        }
        queue.clear();
        if (armed != null) {
            armed.run();
            armed = null;
            armedAt = Long.MAX_VALUE;
        }
    }
}

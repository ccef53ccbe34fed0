package org.smcroute.loop;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/** The event loop in a test: a clock moved by hand and descriptors made readable by hand. */
public final class ManualIo implements LoopIo {

    private static final class Task implements Comparable<Task> {
        final long at;
        final long seq;
        final Runnable run;
        boolean cancelled;

        Task(long at, long seq, Runnable run) {
            this.at = at;
            this.seq = seq;
            this.run = run;
        }

        @Override
        public int compareTo(Task o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private long now = 1_000_000;
    private long seq;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private final Map<Integer, Runnable> watched = new HashMap<>();

    @Override
    public void watch(int fd, Runnable onReadable) {
        watched.put(fd, onReadable);
    }

    @Override
    public void unwatch(int fd) {
        watched.remove(fd);
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public Runnable at(long deadline, Runnable task) {
        Task t = new Task(deadline, seq++, task);
        tasks.add(t);
        return () -> t.cancelled = true;
    }

    @Override
    public Runnable every(long millis, Runnable task) {
        Runnable[] cancel = new Runnable[1];
        boolean[] cancelled = new boolean[1];
        Runnable tick = new Runnable() {
            @Override
            public void run() {
                if (!cancelled[0]) {
                    task.run();
                    cancel[0] = at(now + millis, this);
                }
            }
        };
        cancel[0] = at(now + millis, tick);
        return () -> {
            cancelled[0] = true;
            cancel[0].run();
        };
    }

    /** Moves the clock on by {@code ms}, running every task that comes due, in order. */
    public void advance(long ms) {
        long target = now + ms;
        for (Task t; (t = tasks.peek()) != null && t.at <= target; ) {
            tasks.poll();
            if (!t.cancelled) {
                now = Math.max(now, t.at);
                t.run.run();
            }
        }
        now = target;
    }

    /** Tasks scheduled and not yet run or cancelled. */
    public int pending() {
        int n = 0;
        for (Task t : tasks) {
            n += t.cancelled ? 0 : 1;
        }
        return n;
    }

    /** The watched descriptors and their handlers. */
    public Map<Integer, Runnable> watched() {
        return Collections.unmodifiableMap(watched);
    }

    /** Runs the handler of a watched descriptor, as poll would on input. */
    public void readable(int fd) {
        Runnable r = watched.get(fd);
        if (r == null) {
            throw new IllegalStateException("fd " + fd + " is not watched");
        }
        r.run();
    }
}

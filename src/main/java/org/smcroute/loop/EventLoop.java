package org.smcroute.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.smcroute.kernel.KernelException;
import org.smcroute.log.Log;
import org.smcroute.sys.EventFd;
import org.smcroute.sys.Poller;

/**
 * The daemon's only state thread: {@code poll(2)} over every descriptor plus an eventfd, timers
 * driven by the poll timeout, and a queue for work posted from other threads (signals). All
 * routing state is touched from here only, so the domain needs no locks.
 */
public final class EventLoop {

    /** Called on the loop thread when a registered descriptor is ready. */
    public interface Handler {
        void ready(int revents);
    }

    /** A scheduled callback; cancel it with {@link #cancel()}. */
    public static final class Timer implements Comparable<Timer> {
        private long deadline;
        private final long period;
        private final Runnable task;
        private boolean cancelled;

        Timer(long deadline, long period, Runnable task) {
            this.deadline = deadline;
            this.period = period;
            this.task = task;
        }

        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            return Long.compare(deadline, o.deadline);
        }
    }

    private final Log log;
    private final Poller poller = new Poller();
    private final EventFd wakeup;
    private final ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final List<Integer> fds = new ArrayList<>();
    private final List<Short> events = new ArrayList<>();
    private final List<Handler> handlers = new ArrayList<>();
    private int[] pollFds = new int[16];
    private short[] pollEvents = new short[16];
    private short[] pollRevents = new short[16];
    private Handler[] pollHandlers = new Handler[16];
    private volatile boolean running;

    public EventLoop(Log log) throws KernelException {
        this.log = log;
        this.wakeup = new EventFd();
        register(wakeup.fd(), Poller.POLLIN, r -> wakeup.drain());
    }

    /** Watches {@code fd} for {@code ev} (Poller.POLLIN/POLLOUT); replaces an earlier registration. */
    public void register(int fd, short ev, Handler h) {
        int i = fds.indexOf(fd);
        if (i >= 0) {
            events.set(i, ev);
            handlers.set(i, h);
            return;
        }
        fds.add(fd);
        events.add(ev);
        handlers.add(h);
    }

    public void unregister(int fd) {
        int i = fds.indexOf(fd);
        if (i >= 0) {
            fds.remove(i);
            events.remove(i);
            handlers.remove(i);
        }
    }

    /** Runs {@code task} once after {@code delayMillis}. */
    public Timer schedule(long delayMillis, Runnable task) {
        Timer t = new Timer(System.nanoTime() + delayMillis * 1_000_000L, 0, task);
        timers.add(t);
        return t;
    }

    /** Runs {@code task} every {@code periodMillis}, first after one period. */
    public Timer every(long periodMillis, Runnable task) {
        long p = periodMillis * 1_000_000L;
        Timer t = new Timer(System.nanoTime() + p, p, task);
        timers.add(t);
        return t;
    }

    /** Hands work to the loop thread; safe from any thread (signal handlers). */
    public void post(Runnable task) {
        posted.add(task);
        wakeup.signal();
    }

    public void stop() {
        running = false;
        wakeup.signal();
    }

    /** Serves events until {@link #stop()}. */
    public void run() {
        running = true;
        while (running) {
            runPosted();
            long timeout = runTimers();
            if (!running) {
                break;
            }
            int n = snapshot();
            int ready;
            try {
                ready = poller.poll(pollFds, pollEvents, pollRevents, n, (int) timeout);
            } catch (KernelException e) {
                log.err("poll failed: " + e.reason());
                sleepQuietly();
                continue;
            }
            // in registration order: IPC connections are then served in accept order, which
            // keeps the order of a client's requests across connections (daemon.IpcServer, BatchIT)
            for (int i = 0; ready > 0 && i < n; i++) {
                if (pollRevents[i] != 0) {
                    ready--;
                    dispatch(pollHandlers[i], pollRevents[i]);
                }
            }
        }
    }

    private void dispatch(Handler h, int revents) {
        try {
            h.ready(revents);
        } catch (RuntimeException | Error e) {
            // the daemon must never die from one bad event
            log.err("Internal error handling event: " + e);
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
        }
    }

    private int snapshot() {
        int n = fds.size();
        if (pollFds.length < n) {
            int cap = Math.max(n, pollFds.length * 2);
            pollFds = new int[cap];
            pollEvents = new short[cap];
            pollRevents = new short[cap];
            pollHandlers = new Handler[cap];
        }
        for (int i = 0; i < n; i++) {
            pollFds[i] = fds.get(i);
            pollEvents[i] = events.get(i);
            pollRevents[i] = 0;
            pollHandlers[i] = handlers.get(i);
        }
        return n;
    }

    /**
     * Runs the tasks queued so far, not those they post themselves: a task that re-posts itself
     * (a reload applied in slices) yields to I/O and to a SIGTERM between turns. Nothing more
     * runs once a task stopped the loop.
     */
    private void runPosted() {
        Runnable r;
        for (int n = posted.size(); n > 0 && running && (r = posted.poll()) != null; n--) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.err("Internal error in posted task: " + e);
            }
        }
    }

    /** Fires due timers; returns the poll timeout in ms until the next one (-1 = none). */
    private long runTimers() {
        while (true) {
            Timer t = timers.peek();
            if (t == null) {
                return -1;
            }
            if (t.cancelled) {
                timers.poll();
                continue;
            }
            long now = System.nanoTime();
            long wait = t.deadline - now;
            if (wait > 0) {
                return Math.max(1, (wait + 999_999) / 1_000_000);
            }
            timers.poll();
            if (t.period > 0) {
                t.deadline = now + t.period;
                timers.add(t);
            }
            try {
                t.task.run();
            } catch (RuntimeException e) {
                log.err("Internal error in timer: " + e);
            }
            if (!running) {
                return 0;
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void close() {
        wakeup.close();
    }
}

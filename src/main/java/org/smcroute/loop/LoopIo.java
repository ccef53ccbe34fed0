package org.smcroute.loop;

import org.smcroute.sys.Poller;

/**
 * What the per-interface protocols (mrdisc, the IGMP/MLD proxy) need from the event loop, so
 * that their tests can drive descriptors and time by hand; {@link #of(EventLoop)} adapts the
 * daemon's loop.
 */
public interface LoopIo {

    /** Calls {@code onReadable} whenever {@code fd} has data. */
    void watch(int fd, Runnable onReadable);

    void unwatch(int fd);

    /** Milliseconds on a monotonic clock. */
    long now();

    /** Runs {@code task} once {@link #now()} reaches {@code deadline}; returns the canceller. */
    Runnable at(long deadline, Runnable task);

    /** Runs {@code task} every {@code millis}, first after one period; returns the canceller. */
    Runnable every(long millis, Runnable task);

    static LoopIo of(EventLoop loop) {
        return new LoopIo() {
            @Override
            public void watch(int fd, Runnable onReadable) {
                loop.register(fd, Poller.POLLIN, revents -> onReadable.run());
            }

            @Override
            public void unwatch(int fd) {
                loop.unregister(fd);
            }

            @Override
            public long now() {
                return System.nanoTime() / 1_000_000L;
            }

            @Override
            public Runnable at(long deadline, Runnable task) {
                return loop.schedule(Math.max(0, deadline - now()), task)::cancel;
            }

            @Override
            public Runnable every(long millis, Runnable task) {
                return loop.every(millis, task)::cancel;
            }
        };
    }
}

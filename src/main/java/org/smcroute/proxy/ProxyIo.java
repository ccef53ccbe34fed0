package org.smcroute.proxy;

import org.smcroute.loop.EventLoop;
import org.smcroute.sys.Poller;

/** What the proxy needs from the event loop; {@link #of(EventLoop)} adapts the daemon's. */
public interface ProxyIo {

    /** Calls {@code onReadable} whenever {@code fd} has data. */
    void watch(int fd, Runnable onReadable);

    void unwatch(int fd);

    /** Milliseconds on a monotonic clock. */
    long now();

    /** Runs {@code task} once {@link #now()} reaches {@code deadline}; returns the canceller. */
    Runnable at(long deadline, Runnable task);

    static ProxyIo of(EventLoop loop) {
        return new ProxyIo() {
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
        };
    }
}

package org.smcroute.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces a sender by sleeping, never spinning: on a 2-core machine a spinning sender would take
 * a whole core from the router under test. Whatever is due when the thread wakes is sent at
 * once, as a burst of a few packets; {@link #maxBurst} reports the largest.
 */
final class Pacer {

    private final long interval;
    private long next = System.nanoTime();
    private int burst;
    private int maxBurst;

    /** {@code rate} packets per second; 0 or less: no pacing, as fast as the caller can. */
    Pacer(int rate) {
        interval = rate <= 0 ? 0 : 1_000_000_000L / rate;
    }

    /** Returns when the next packet is due. */
    void await() {
        if (interval == 0) {
            return;
        }
        long now = System.nanoTime();
        if (next - now > 0) {
            LockSupport.parkNanos(next - now);
            burst = 0;
        }
        maxBurst = Math.max(maxBurst, ++burst);
        next += interval;
    }

    /** Most packets sent back to back so far. */
    int maxBurst() {
        return maxBurst;
    }
}

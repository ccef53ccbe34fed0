package org.smcroute.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for a condition; the only kind of waiting the stress tests do. */
public final class Waits {

    private Waits() {
    }

    /** Polls every 20 ms until {@code condition} holds; fails with {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            Mcast.sleep(20);
        }
    }
}

package org.smcroute.kernel;

/** Per-(S,G) kernel counters (SIOCGETSGCNT); all zero when unavailable. */
public record Counters(long packets, long bytes, long wrongIf) {
    public static final Counters ZERO = new Counters(0, 0, 0);
}

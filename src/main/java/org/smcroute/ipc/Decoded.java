package org.smcroute.ipc;

/**
 * Result of {@link Wire#decode}: the daemon reads a stream, so a buffer may hold too few bytes, a
 * whole request, or something it must answer with an error text and then close.
 */
public sealed interface Decoded {

    /** The buffer does not hold a complete request yet; read more and decode again. */
    record NeedMore() implements Decoded {
    }

    /** A complete, well-formed request that took {@code consumed} bytes of the buffer. */
    record Complete(Request request, int consumed) implements Decoded {
    }

    /** A malformed request; {@code error} is the exact text the daemon replies with and logs. */
    record Malformed(String error) implements Decoded {
    }

    /** Shared instance, since it carries no data. */
    NeedMore NEED_MORE = new NeedMore();
}

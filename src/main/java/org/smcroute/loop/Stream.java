package org.smcroute.loop;

/**
 * A reply made piece by piece on the state thread: one too big to build at once (a metrics
 * scrape of 100k routes), one that is not ready yet (the doctor's counter sample), or one
 * without an end (the event stream). {@link StreamPump} sends it as fast as the peer reads,
 * asking for the next piece only when the last one went out, so a slow peer holds back the
 * producer instead of piling up memory.
 */
public interface Stream {

    /** From {@link #next}: nothing ready yet; the stream runs its wake-up when there is. */
    byte[] WAIT = new byte[0];

    /** From {@link #next}: the stream was cut short (a monitor that fell behind); the connection ends now. */
    byte[] ABORT = new byte[0];

    /** Starts the stream. {@code wakeUp} (state thread only) tells the pump to ask again after {@link #WAIT}. */
    void open(Runnable wakeUp);

    /** The next piece to send, {@link #WAIT}, {@link #ABORT}, or null when the stream is complete. */
    byte[] next();

    /**
     * The connection ended before the stream did: the peer went away, or stopped reading
     * ({@code timedOut}), or the daemon is shutting down. Releases what the stream holds.
     */
    void close(boolean timedOut);

    /** A stream of one piece that is ready at once. */
    static Stream of(byte[] bytes) {
        return new Stream() {
            private boolean sent;

            @Override
            public void open(Runnable wakeUp) {
            }

            @Override
            public byte[] next() {
                if (sent) {
                    return null;
                }
                sent = true;
                return bytes;
            }

            @Override
            public void close(boolean timedOut) {
            }
        };
    }

    /** {@code head} first, then {@code body}. */
    static Stream prefixed(byte[] head, Stream body) {
        return new Stream() {
            private boolean sent;

            @Override
            public void open(Runnable wakeUp) {
                body.open(wakeUp);
            }

            @Override
            public byte[] next() {
                if (sent) {
                    return body.next();
                }
                sent = true;
                return head;
            }

            @Override
            public void close(boolean timedOut) {
                body.close(timedOut);
            }
        };
    }
}

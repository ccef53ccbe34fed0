package org.smcroute.loop;

/**
 * A reply that is not ready when its request is executed (a reload the client waits for, the
 * doctor's counter sample): the connection waits, without a timeout, until {@link #complete}
 * gives the text.
 */
public final class Deferred implements Stream {

    private final Runnable onClose;
    private Runnable wakeUp;
    private byte[] reply;
    private boolean sent;

    public Deferred() {
        this(() -> { });
    }

    /** {@code onClose} stops the work that would complete the reply, when the client has gone. */
    public Deferred(Runnable onClose) {
        this.onClose = onClose;
    }

    @Override
    public void open(Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }

    /** The reply is ready (state thread). */
    public void complete(byte[] bytes) {
        reply = bytes;
        if (wakeUp != null) {
            wakeUp.run();
        }
    }

    @Override
    public byte[] next() {
        if (reply == null) {
            return WAIT;
        }
        if (sent) {
            return null;
        }
        sent = true;
        return reply;
    }

    @Override
    public void close(boolean timedOut) {
        reply = null;
        onClose.run();
    }
}

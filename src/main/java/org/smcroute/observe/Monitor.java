package org.smcroute.observe;

import java.util.Arrays;
import org.smcroute.loop.Stream;

/**
 * One {@code smcroutectl monitor} connection: the event lines not yet sent, in a buffer of at
 * most {@link EventHub#BUFFER} bytes. A client that falls further behind is dropped (the
 * stream aborts) instead of making the daemon hold more or wait for it.
 */
final class Monitor implements Stream {

    /** Most bytes handed to the connection per piece. */
    private static final int PIECE = 64 << 10;

    private final EventHub hub;
    private byte[] buf = new byte[4096];
    private int start;
    private int end;
    private Runnable wakeUp;
    private boolean waiting;
    private boolean overflow;
    private boolean closed;

    Monitor(EventHub hub) {
        this.hub = hub;
    }

    @Override
    public void open(Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }

    /** Queues one event line, or drops the client when it would exceed the buffer. */
    void offer(byte[] line) {
        if (overflow || closed) {
            return;
        }
        int queued = end - start;
        if (queued + line.length > EventHub.BUFFER) {
            overflow = true;
            buf = null;
            hub.drop(this, "fell behind by more than " + (EventHub.BUFFER >> 10) + " KiB");
            wake();
            return;
        }
        if (end + line.length > buf.length) {
            System.arraycopy(buf, start, buf, 0, queued);
            start = 0;
            end = queued;
            if (end + line.length > buf.length) {
                buf = Arrays.copyOf(buf, Math.min(EventHub.BUFFER, Math.max(buf.length * 2, end + line.length)));
            }
        }
        System.arraycopy(line, 0, buf, end, line.length);
        end += line.length;
        wake();
    }

    private void wake() {
        if (waiting && wakeUp != null) {
            waiting = false;
            wakeUp.run();
        }
    }

    @Override
    public byte[] next() {
        if (overflow) {
            return ABORT;
        }
        if (start == end) {
            waiting = true;
            return WAIT;
        }
        int n = Math.min(end - start, PIECE);
        byte[] piece = Arrays.copyOfRange(buf, start, start + n);
        start += n;
        if (start == end) {
            start = 0;
            end = 0;
            if (buf.length > PIECE) {
                buf = new byte[4096]; // a burst is over: do not keep its buffer
            }
        }
        return piece;
    }

    @Override
    public void close(boolean timedOut) {
        if (closed) {
            return;
        }
        closed = true;
        buf = null;
        if (timedOut) {
            hub.drop(this, "stopped reading");
        } else {
            hub.remove(this);
        }
    }
}

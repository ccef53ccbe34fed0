package org.smcroute.sys;

import java.util.ArrayList;
import java.util.List;

/**
 * A public face of {@link DgramReceiver} for tests outside this package: an AF_UNIX datagram
 * socket bound to a path, standing in for {@code /dev/log} ({@code SMCROUTE_SYSLOG_SOCKET}) or
 * systemd's {@code NOTIFY_SOCKET}, which the JDK cannot open itself.
 */
public final class DgramSink implements AutoCloseable {

    private final DgramReceiver receiver;

    public DgramSink(String path) {
        receiver = new DgramReceiver(path);
    }

    /** The next datagram as UTF-8 text, or null if none arrives within {@code timeoutMs}. */
    public String next(int timeoutMs) {
        try {
            return receiver.receiveString(timeoutMs);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every datagram that arrives until none has come for {@code quietMs}. */
    public List<String> drain(int quietMs) {
        List<String> all = new ArrayList<>();
        for (String s; (s = next(quietMs)) != null; ) {
            all.add(s);
        }
        return all;
    }

    @Override
    public void close() {
        receiver.close();
    }
}

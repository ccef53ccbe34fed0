package org.smcroute.bench;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.smcroute.ipc.Request;
import org.smcroute.ipc.Wire;

/**
 * Sends {@code show interfaces} requests back to back on fresh connections to a daemon's IPC socket
 * (the daemon closes after each reply) from a thread of the bench JVM, and records each round trip
 * (connect → EOF), so the longest stall over any time window can be read off afterwards.
 */
final class IpcProbe implements AutoCloseable {

    /** One round trip, System.nanoTime() at connect and at EOF; {@code ok} false on an I/O error. */
    record Sample(long start, long end, boolean ok) {
        double ms() {
            return (end - start) / 1e6;
        }
    }

    private final UnixDomainSocketAddress addr;
    private final byte[] request = Wire.encode(new Request('s', List.of("interfaces")));
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean stop;

    IpcProbe(String socket) {
        addr = UnixDomainSocketAddress.of(socket);
        thread = Thread.ofPlatform().daemon().name("ipc-probe").start(this::loop);
    }

    private void loop() {
        ByteBuffer in = ByteBuffer.allocate(64 << 10);
        while (!stop) {
            long t0 = System.nanoTime();
            boolean ok = true;
            try (SocketChannel ch = SocketChannel.open(addr)) {
                ch.write(ByteBuffer.wrap(request));
                do {
                    in.clear();
                } while (ch.read(in) >= 0);
            } catch (IOException e) {
                ok = false;
            }
            samples.add(new Sample(t0, System.nanoTime(), ok));
            if (!ok) {
                Bench.sleepNanos(1_000_000);
            }
        }
    }

    /** Round trips that overlap [from, to] (System.nanoTime()). */
    List<Sample> during(long from, long to) {
        List<Sample> l = new ArrayList<>();
        for (Sample s : samples) {
            if (s.end() >= from && s.start() <= to) {
                l.add(s);
            }
        }
        return l;
    }

    static double maxMs(List<Sample> l) {
        return l.stream().mapToDouble(Sample::ms).max().orElse(Double.NaN);
    }

    /** Stops after the round trip in flight (bounded: the daemon answers or drops it). */
    @Override
    public void close() {
        stop = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

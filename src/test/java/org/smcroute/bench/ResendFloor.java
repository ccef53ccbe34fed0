package org.smcroute.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.kernel.Upcall;
import org.smcroute.log.Log;
import org.smcroute.sys.LinuxKernel;
import org.smcroute.sys.Poller;

/**
 * The floor for learning new sources (issue 18): a bare loop on the daemon's own FFM layer that
 * answers every NOCACHE upcall with one {@code MRT_ADD_MFC} to the template's outbound
 * interface, and does nothing else (no rules, no bookkeeping, no logging). The routing socket
 * comes from {@link LinuxKernel} as the daemon's does, so it has the same receive buffer and
 * reads upcalls in the same batches; the loop sleeps in poll(2) like the daemon's event loop.
 * Run as root in the router namespace, in a JVM with the daemon's flags, in place of the
 * daemon: {@code ResendFloor IIF OIF}. It prints "ready" once its VIFs are up. A "flush" line
 * on stdin closes the routing socket (the kernel then drops every entry, resolved or not) and
 * opens a new one, and prints "flushed UPCALLS ADDS FAILED LAST_ADD_NANOS" (counts since the
 * previous flush; the System.nanoTime() right after the last add, to tell how long the packets
 * the kernel held then took to reach the receiver); EOF ends it.
 */
public final class ResendFloor {

    private static final short[] EVENTS = {Poller.POLLIN, Poller.POLLIN};

    private final int iif;
    private final int oif;
    private final byte[] ttls = new byte[32];
    private final Poller poller = new Poller();
    private final short[] revents = new short[2];
    private final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    private int upcalls;
    private int adds;
    private int failed;
    private long lastAdd;

    private ResendFloor(int iif, int oif) {
        this.iif = iif;
        this.oif = oif;
        ttls[1] = 1;
    }

    public static void main(String[] args) throws Exception {
        ResendFloor f = new ResendFloor(NetworkInterface.getByName(args[0]).getIndex(),
                NetworkInterface.getByName(args[1]).getIndex());
        LinuxKernel kernel = new LinuxKernel(new Log(Log.ERR));
        System.out.println("ready");
        boolean more = true;
        while (more) {
            try (RoutingSocket k = kernel.openRouting(Family.INET, 0)) {
                k.addVif(0, f.iif, 1);
                k.addVif(1, f.oif, 1);
                System.out.flush();
                more = f.serve(k);
            }
            System.out.println("flushed " + f.upcalls + " " + f.adds + " " + f.failed + " " + f.lastAdd);
            f.upcalls = f.adds = f.failed = 0;
        }
    }

    /** Answers upcalls until a line on stdin (true: "flush") or EOF (false). */
    private boolean serve(RoutingSocket k) throws Exception {
        int[] fds = {k.fd(), 0};
        while (true) {
            poller.poll(fds, EVENTS, revents, -1);
            if (revents[0] != 0) {
                k.readUpcalls(u -> {
                    upcalls++;
                    if (u.kind() == Upcall.Kind.NOCACHE) {
                        try {
                            k.addMfc(u.source(), u.group(), u.vif(), ttls);
                            lastAdd = System.nanoTime();
                            adds++;
                        } catch (KernelException e) {
                            failed++;
                        }
                    }
                });
            }
            if (revents[1] != 0) {
                return in.readLine() != null;
            }
        }
    }
}

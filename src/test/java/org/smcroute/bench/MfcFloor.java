package org.smcroute.bench;

import java.net.NetworkInterface;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;
import org.smcroute.sys.LinuxKernel;

/**
 * The floor for route installation: nothing but {@code MRT_ADD_MFC} calls through the daemon's
 * own {@link LinuxKernel}, in a JVM started with the daemon's flags, so the ratio
 * daemon/floor is what parsing, bookkeeping and the event loop cost on top of the kernel.
 * Run as root inside a fresh namespace:
 * {@code MfcFloor IIF OIF N} prints {@code floor N NANOS} (time of the N calls only).
 * The (S,G) keys are those of {@link Bench#sgLine}: source 10.0.0.2, groups from 225.1.0.0 up.
 */
public final class MfcFloor {

    private MfcFloor() {
    }

    public static void main(String[] args) throws Exception {
        int iif = NetworkInterface.getByName(args[0]).getIndex();
        int oif = NetworkInterface.getByName(args[1]).getIndex();
        int n = Integer.parseInt(args[2]);
        Addr source = Addr.parse("10.0.0.2");
        Addr[] groups = new Addr[n];
        for (int i = 0; i < n; i++) {
            groups[i] = Addr.ofIpv4(Bench.group(i));
        }
        byte[] ttls = new byte[32];
        ttls[1] = 1;
        try (RoutingSocket k = new LinuxKernel(new Log(Log.ERR)).openRouting(Family.INET, 0)) {
            k.addVif(0, iif, 1);
            k.addVif(1, oif, 1);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                k.addMfc(source, groups[i], 0, ttls);
            }
            long t1 = System.nanoTime();
            System.out.println("floor " + n + " " + (t1 - t0));
        }
    }
}

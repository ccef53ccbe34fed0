package org.smcroute.it;

import org.smcroute.kernel.Family;
import org.smcroute.kernel.RoutingSocket;
import org.smcroute.log.Log;
import org.smcroute.sys.LinuxKernel;

/**
 * "Another multicast router": holds the IPv4 multicast routing table of its namespace
 * (MRT_INIT on table 0) until its stdin closes, printing {@code ready} once it has it. Run as
 * its own JVM inside a namespace.
 */
public final class TableHolder {

    private TableHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (RoutingSocket s = new LinuxKernel(new Log(Log.ERR, (l, m) -> { })).openRouting(Family.INET, 0)) {
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the table until stdin closes
            }
        }
    }
}

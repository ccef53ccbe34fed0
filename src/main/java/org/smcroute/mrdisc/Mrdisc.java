package org.smcroute.mrdisc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.smcroute.iface.Iface;
import org.smcroute.iface.IfaceFamily;
import org.smcroute.iface.Interfaces;
import org.smcroute.kernel.ControlPacket;
import org.smcroute.kernel.ControlSocket;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.NoLinkLocalException;
import org.smcroute.net.Addr;
import org.smcroute.net.Checksum;
import org.smcroute.log.Log;
import org.smcroute.loop.LoopIo;

/**
 * Multicast Router Discovery, RFC 4286 (SPEC §17), for IPv4 over IGMP and IPv6 over ICMPv6.
 * Registrations are keyed by interface name and family and follow the VIF/MIF life cycle
 * reported by {@link Interfaces} (§17.1): a registration is a socket plus an immediate
 * Advertisement; one timer announces on every registration each interval; a Solicitation is
 * answered at once; deregistration sends a Termination, unless the interface vanished.
 * State-thread only.
 */
public final class Mrdisc implements Interfaces.VifListener {

    public static final int ADVERTISEMENT = 0x30;
    public static final int SOLICITATION = 0x31;
    public static final int TERMINATION = 0x32;
    public static final int ADVERTISEMENT6 = 151;
    public static final int SOLICITATION6 = 152;
    public static final int TERMINATION6 = 153;
    /** Query Interval of the Advertisement: the IGMP and MLD default. */
    public static final int QUERY_INTERVAL = 125;
    /** Where messages go, and the groups each socket joins (RFC 4286 section 6). */
    public static final Addr ALL_SNOOPERS = Addr.parse("224.0.0.106");
    public static final Addr ALL_SNOOPERS6 = Addr.parse("ff02::6a");
    public static final List<Addr> GROUPS4 = List.of(ALL_SNOOPERS, Addr.parse("224.0.0.2"));
    public static final List<Addr> GROUPS6 = List.of(Addr.parse("ff02::2"), ALL_SNOOPERS6);
    private static final ControlSocket.Spec SPEC4 = new ControlSocket.Spec(GROUPS4, List.of(), false);
    private static final ControlSocket.Spec SPEC6 = new ControlSocket.Spec(GROUPS6, List.of(SOLICITATION6), false);
    /** Robustness Variable when the host's cannot be read. */
    public static final int DEFAULT_ROBUSTNESS = 2;
    private static final Path IGMP_QRV = Path.of("/proc/sys/net/ipv4/igmp_qrv");
    private static final Path MLD_QRV = Path.of("/proc/sys/net/ipv6/mld_qrv");

    /** One registered interface and family: its socket and the ifindex it was bound with. */
    private record Registration(String ifname, Family family, int ifindex, ControlSocket socket) {
    }

    private final Kernel kernel;
    private final Log log;
    private final int interval;
    private final LoopIo io;
    private final ToIntFunction<Family> robustness;
    private final Map<IfaceFamily, Registration> registrations = new LinkedHashMap<>();
    private Runnable timer;

    /** {@code interval}: the {@code -m} announcement interval in seconds (4..180). */
    public Mrdisc(Kernel kernel, Log log, int interval, LoopIo io) {
        this(kernel, log, interval, io, Mrdisc::hostRobustness);
    }

    /** With the Robustness Variable per family supplied, for tests. */
    public Mrdisc(Kernel kernel, Log log, int interval, LoopIo io, ToIntFunction<Family> robustness) {
        this.kernel = kernel;
        this.log = log;
        this.interval = interval;
        this.io = io;
        this.robustness = robustness;
    }

    // ---- messages (§17.3, §17.5)

    /**
     * The 8-byte message of {@code type} (one of the constants above, per family): an
     * Advertisement carries the interval, Query Interval and Robustness Variable; IPv4 messages
     * get the Internet checksum, IPv6 ones leave it to the kernel.
     */
    public static byte[] encode(Family f, int type, int interval, int robustness) {
        byte[] m = new byte[8];
        m[0] = (byte) type;
        if (type == ADVERTISEMENT || type == ADVERTISEMENT6) {
            m[1] = (byte) interval;
            m[4] = (byte) (QUERY_INTERVAL >> 8);
            m[5] = (byte) QUERY_INTERVAL;
            m[6] = (byte) (robustness >> 8);
            m[7] = (byte) robustness;
        }
        if (!f.v6()) {
            int sum = Checksum.of(m);
            m[2] = (byte) (sum >> 8);
            m[3] = (byte) sum;
        }
        return m;
    }

    /** Whether an IGMP or ICMPv6 message read from a control socket is a Solicitation. */
    public static boolean isSolicitation(Family f, ControlPacket p) {
        byte[] m = p.message();
        return m.length >= (f.v6() ? 4 : 8) && (m[0] & 0xff) == (f.v6() ? SOLICITATION6 : SOLICITATION);
    }

    /** What a registration's socket joins and lets through. */
    public static ControlSocket.Spec spec(Family f) {
        return f.v6() ? SPEC6 : SPEC4;
    }

    static int advertisement(Family f) {
        return f.v6() ? ADVERTISEMENT6 : ADVERTISEMENT;
    }

    static int termination(Family f) {
        return f.v6() ? TERMINATION6 : TERMINATION;
    }

    /** The host's {@code igmp_qrv} or {@code mld_qrv}, or 2 when unreadable. */
    static int hostRobustness(Family f) {
        try {
            // readAllLines: readString on a /proc/sys file can return only its first byte here
            List<String> lines = Files.readAllLines(f.v6() ? MLD_QRV : IGMP_QRV);
            int v = lines.isEmpty() ? -1 : Integer.parseInt(lines.get(0).strip());
            return v >= 0 && v <= 0xffff ? v : DEFAULT_ROBUSTNESS;
        } catch (IOException | NumberFormatException e) {
            return DEFAULT_ROBUSTNESS;
        }
    }

    // ---- life cycle (§17.1)

    /** Brings the registration of {@code i} and {@code f} in line with its flag and ifindex. */
    @Override
    public void vifReady(Iface i, Family f) {
        Registration r = registrations.get(new IfaceFamily(i.name(), f));
        boolean wanted = i.mrdisc() && i.usable() && i.slot(f) >= 0;
        if (r != null && r.ifindex() != i.index()) {
            deregister(r, false); // the socket belongs to the device that went away
            r = null;
        }
        if (r != null && !wanted) {
            deregister(r, true);
            r = null;
        }
        if (r == null && wanted) {
            register(i, f);
        }
    }

    @Override
    public void vifGone(Iface i, Family f, boolean vanished) {
        Registration r = registrations.get(new IfaceFamily(i.name(), f));
        if (r != null) {
            deregister(r, !vanished && r.ifindex() == i.index());
        }
    }

    /** True when {@code ifname} has a registration of {@code f}. */
    public boolean registered(String ifname, Family f) {
        return registrations.containsKey(new IfaceFamily(ifname, f));
    }

    /** Shutdown (§4.5 step 3): a Termination on every registration, then every socket closed. */
    public void close() {
        for (Registration r : new ArrayList<>(registrations.values())) {
            deregister(r, true);
        }
        stopTimer();
    }

    private void register(Iface i, Family f) {
        ControlSocket sock;
        try {
            sock = kernel.openControl(f, i.name(), i.index(), spec(f));
        } catch (NoLinkLocalException e) {
            log.debug("mrdisc: no IPv6 link-local address on " + i.name() + ", skipping");
            return;
        } catch (KernelException e) {
            log.warn("mrdisc: cannot set up socket on " + i.name() + ": " + e.reason());
            return;
        }
        Registration r = new Registration(i.name(), f, i.index(), sock);
        registrations.put(new IfaceFamily(i.name(), f), r);
        io.watch(sock.fd(), () -> readable(r));
        if (timer == null) {
            timer = io.every(interval * 1000L, this::announce);
        }
        log.debug("mrdisc: " + f.label() + " announcements on " + i.name() + " every " + interval + " sec");
        send(r, advertisement(f));
    }

    private void deregister(Registration r, boolean terminate) {
        if (terminate) {
            send(r, termination(r.family()));
        }
        registrations.remove(new IfaceFamily(r.ifname(), r.family()));
        io.unwatch(r.socket().fd());
        r.socket().close();
        log.debug("mrdisc: " + r.family().label() + " announcements on " + r.ifname() + " stopped");
        if (registrations.isEmpty()) {
            stopTimer();
        }
    }

    private void stopTimer() {
        if (timer != null) {
            timer.run();
            timer = null;
        }
    }

    /** The interval timer (§17.4): an Advertisement on every registration. */
    public void announce() {
        for (Registration r : new ArrayList<>(registrations.values())) {
            send(r, advertisement(r.family()));
        }
    }

    private void readable(Registration r) {
        if (registrations.get(new IfaceFamily(r.ifname(), r.family())) != r) {
            return;
        }
        boolean solicited = false;
        for (ControlPacket p; (p = r.socket().receive()) != null; ) {
            solicited |= isSolicitation(r.family(), p);
        }
        if (solicited) {
            log.debug("mrdisc: " + r.family().label() + " solicitation on " + r.ifname() + ", answering");
            send(r, advertisement(r.family()));
        }
    }

    private void send(Registration r, int type) {
        Family f = r.family();
        byte[] msg = encode(f, type, interval, type == advertisement(f) ? robustness.applyAsInt(f) : 0);
        try {
            r.socket().send(f.v6() ? ALL_SNOOPERS6 : ALL_SNOOPERS, msg);
        } catch (KernelException e) {
            if (e.errno() == Errno.ENETUNREACH || e.errno() == Errno.ENETDOWN) {
                return; // link down
            }
            log.warn((f.v6() ? "Failed sending ICMPv6 control message " + type
                    : "Failed sending IGMP control message 0x" + Integer.toHexString(type))
                    + " on " + r.ifname() + ", error " + e.errno() + ": " + e.reason());
        }
    }
}

package org.smcroute.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.smcroute.net.Addr;

/**
 * A hand-written kernel double: keeps VIF and MFC tables like the real one, records every call
 * of every socket it opened in one list, in order, and can be told to fail a call with an errno.
 * Lets the routing domain be tested end to end without root.
 */
public final class FakeKernel implements Kernel {

    /** One MFC entry as the fake kernel holds it. */
    public record Mfc(int parent, byte[] ttls) {
        public int oifMask() {
            int m = 0;
            for (int i = 0; i < ttls.length; i++) {
                if (ttls[i] != 0) {
                    m |= 1 << i;
                }
            }
            return m;
        }
    }

    public final List<String> calls = new ArrayList<>();
    /** Runs after every MFC change, to look at the daemon's state at that moment. */
    public Runnable afterMfc = () -> { };
    public final List<Link> links = new ArrayList<>();
    public final Map<String, Integer> failures = new HashMap<>();
    private final boolean[] open = new boolean[2];
    private final Map<Family, Map<Integer, Integer>> vifs = new HashMap<>();
    private final Map<Family, Map<String, Mfc>> mfc = new HashMap<>();
    public final Map<String, Counters> counters = new HashMap<>();
    /** VIF/MIF counters by "FAMILY slot" (e.g. "INET 1"); an existing slot without one reads zero. */
    public final Map<String, VifCounters> vifCounters = new HashMap<>();
    private final List<Upcall> queued = new ArrayList<>();

    public FakeKernel() {
        for (Family f : Family.values()) {
            vifs.put(f, new LinkedHashMap<>());
            mfc.put(f, new LinkedHashMap<>());
        }
    }

    /** Adds a present multicast interface. */
    public FakeKernel link(String name, int index) {
        links.add(new Link(name, index, Link.IFF_UP | Link.IFF_MULTICAST, null));
        return this;
    }

    /** Makes the next calls of {@code op} fail with {@code errno}. */
    public void fail(String op, int errno) {
        failures.put(op, errno);
    }

    private void check(String op) throws KernelException {
        Integer e = failures.get(op);
        if (e != null) {
            throw new KernelException(op, e, "fake error " + e);
        }
    }

    private static String key(Addr s, Addr g) {
        return s + "," + g;
    }

    public Map<Integer, Integer> vifs(Family f) {
        return vifs.get(f);
    }

    public Map<String, Mfc> mfc(Family f) {
        return mfc.get(f);
    }

    public Mfc mfc(Family f, String s, String g) {
        return mfc.get(f).get(key(Addr.parse(s), Addr.parse(g)));
    }

    public void clearCalls() {
        calls.clear();
    }

    public void queueUpcall(Upcall u) {
        queued.add(u);
    }

    @Override
    public int maxVifs(Family f) {
        return 32;
    }

    /** Whether the routing socket of a family is open. */
    public boolean isOpen(Family f) {
        return open[f.ordinal()];
    }

    @Override
    public RoutingSocket openRouting(Family f, int table) throws KernelException {
        check("open");
        calls.add("open " + f + " " + table);
        open[f.ordinal()] = true;
        return new FakeRouting(f);
    }

    /** The routing socket of one family, over the fake's tables. */
    private final class FakeRouting implements RoutingSocket {
        private final Family f;
        private boolean closed;

        FakeRouting(Family f) {
            this.f = f;
        }

        private void checkOpen(String op) throws KernelException {
            if (closed) {
                throw new KernelException(op, Errno.EBADF, "Bad file descriptor");
            }
        }

        @Override
        public Family family() {
            return f;
        }

        @Override
        public int fd() {
            return closed ? -1 : 100 + f.ordinal();
        }

        @Override
        public void enableWrongVif() {
            calls.add("wrongvif " + f);
        }

        @Override
        public void addVif(int slot, int ifindex, int threshold) throws KernelException {
            checkOpen("addVif");
            check("addVif");
            calls.add("addVif " + f + " " + slot + " " + ifindex + " " + threshold);
            vifs.get(f).put(slot, ifindex);
        }

        @Override
        public void delVif(int slot, int ifindex) throws KernelException {
            checkOpen("delVif");
            calls.add("delVif " + f + " " + slot);
            if (vifs.get(f).remove(slot) == null) {
                throw new KernelException("delVif", Errno.EADDRNOTAVAIL, "Cannot assign requested address");
            }
        }

        @Override
        public void addMfc(Addr source, Addr group, int parent, byte[] ttls) throws KernelException {
            checkOpen("addMfc");
            check("addMfc");
            Mfc m = new Mfc(parent, ttls.clone());
            calls.add("addMfc " + f + " (" + source + "," + group + ") " + parent + " oifs=" + Integer.toBinaryString(m.oifMask()));
            mfc.get(f).put(key(source, group), m);
            afterMfc.run();
        }

        @Override
        public void delMfc(Addr source, Addr group, int parent) throws KernelException {
            checkOpen("delMfc");
            calls.add("delMfc " + f + " (" + source + "," + group + ")");
            if (mfc.get(f).remove(key(source, group)) == null) {
                throw new KernelException("delMfc", Errno.ENOENT, "No such file or directory");
            }
            afterMfc.run();
        }

        @Override
        public Counters counters(Addr source, Addr group) {
            return counters.getOrDefault(key(source, group), Counters.ZERO);
        }

        @Override
        public VifCounters vifCounters(int slot) {
            if (closed || !vifs.get(f).containsKey(slot)) {
                return null;
            }
            return vifCounters.getOrDefault(f + " " + slot, new VifCounters(0, 0, 0, 0));
        }

        @Override
        public int readUpcalls(Consumer<Upcall> sink) {
            int n = 0;
            for (Upcall u : new ArrayList<>(queued)) {
                if (u.family() == f) {
                    queued.remove(u);
                    sink.accept(u);
                    n++;
                }
            }
            return n;
        }

        @Override
        public void close() {
            if (!closed) {
                calls.add("close " + f);
            }
            closed = true;
            open[f.ordinal()] = false;
            vifs.get(f).clear();
            mfc.get(f).clear();
        }
    }

    /**
     * Source filters per fake socket, by "ifindex group": "EXCLUDE [..]" or "INCLUDE [..]", as the
     * joins and setFilter calls left them.
     */
    public final Map<Integer, Map<String, String>> filters = new LinkedHashMap<>();

    /** The filter of a group on an interface over all sockets, or null when not joined. */
    public String filter(int ifindex, String group) {
        for (Map<String, String> m : filters.values()) {
            String f = m.get(ifindex + " " + Addr.parse(group));
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** Every "ifindex group" with a filter, over all sockets. */
    public List<String> filteredGroups() {
        List<String> out = new ArrayList<>();
        for (Map<String, String> m : filters.values()) {
            out.addAll(m.keySet());
        }
        return out;
    }

    /** Joins per fake socket, as "ifindex source group" strings. */
    public final Map<Integer, Set<String>> joins = new LinkedHashMap<>();
    private int nextSocket = 1000;
    /** Per-socket membership limit, like net.ipv4.igmp_max_memberships. */
    public int maxMemberships = 20;
    /** Most sources per filter, like net.ipv4.igmp_max_msf. */
    public int maxFilterSources = 10;

    @Override
    public MembershipSocket openMembership(Family f) throws KernelException {
        check("openJoinSocket");
        int s = nextSocket++;
        joins.put(s, new LinkedHashSet<>());
        filters.put(s, new LinkedHashMap<>());
        calls.add("openJoinSocket " + f + " " + s);
        return new FakeMembership(s);
    }

    private static String joinKey(int ifindex, Addr source, Addr group) {
        return ifindex + " " + (source == null ? "*" : source) + " " + group;
    }

    /** A membership socket: its joins live in {@link #joins} under its number. */
    private final class FakeMembership implements MembershipSocket {
        private final int socket;

        FakeMembership(int socket) {
            this.socket = socket;
        }

        @Override
        public void join(int ifindex, Addr source, Addr group) throws KernelException {
            check("join");
            Set<String> set = joins.get(socket);
            String k = joinKey(ifindex, source, group);
            if (set.contains(k)) {
                throw new KernelException("join", Errno.EADDRINUSE, "Address already in use");
            }
            if (set.size() >= maxMemberships) {
                throw new KernelException("join", Errno.ENOBUFS, "No buffer space available");
            }
            set.add(k);
            calls.add("join " + socket + " " + k);
            String g = ifindex + " " + group;
            String old = filters.get(socket).get(g);
            if (source == null) {
                filters.get(socket).put(g, "EXCLUDE []");
            } else if (old == null) {
                filters.get(socket).put(g, "INCLUDE [" + source + "]");
            } else {
                filters.get(socket).put(g, old.substring(0, old.length() - 1) + ", " + source + "]");
            }
        }

        @Override
        public void setFilter(int ifindex, Addr group, boolean exclude, List<Addr> sources) throws KernelException {
            check("setFilter");
            String g = ifindex + " " + group;
            if (!filters.get(socket).containsKey(g)) {
                throw new KernelException("MCAST_MSFILTER", Errno.EINVAL, "Invalid argument");
            }
            if (sources.size() > maxFilterSources) {
                throw new KernelException("MCAST_MSFILTER", Errno.ENOBUFS, "No buffer space available");
            }
            String f = (exclude ? "EXCLUDE " : "INCLUDE ") + sources;
            filters.get(socket).put(g, f);
            calls.add("setFilter " + socket + " " + g + " " + f);
        }

        @Override
        public void leave(int ifindex, Addr source, Addr group) throws KernelException {
            Set<String> set = joins.get(socket);
            String k = joinKey(ifindex, source, group);
            calls.add("leave " + socket + " " + k);
            if (source == null && filters.containsKey(socket)) {
                filters.get(socket).remove(ifindex + " " + group);
            }
            if (source == null && set != null && set.removeIf(j -> j.startsWith(ifindex + " ") && j.endsWith(" " + group))) {
                return;
            }
            if (set == null || !set.remove(k)) {
                throw new KernelException("leave", Errno.EADDRNOTAVAIL, "Cannot assign requested address");
            }
            if (source != null) {
                List<String> left = new ArrayList<>();
                for (String j : set) {
                    if (j.startsWith(ifindex + " ") && j.endsWith(" " + group)) {
                        left.add(j.split(" ")[1]);
                    }
                }
                if (left.isEmpty()) {
                    filters.get(socket).remove(ifindex + " " + group);
                } else {
                    filters.get(socket).put(ifindex + " " + group, "INCLUDE " + left);
                }
            }
        }

        @Override
        public void close() {
            calls.add("closeJoinSocket " + socket);
            joins.remove(socket);
            filters.remove(socket);
        }
    }

    /** Every membership currently held, over all sockets. */
    public List<String> memberships() {
        List<String> out = new ArrayList<>();
        for (Set<String> set : joins.values()) {
            out.addAll(set);
        }
        return out;
    }

    /** One message sent on a control socket (mrdisc, IGMP/MLD querier). */
    public record Sent(int socket, Family family, int ifindex, Addr to, byte[] msg) {
        public int type() {
            return msg[0] & 0xff;
        }
    }

    /** Open control sockets: handle to "family ifname ifindex". */
    public final Map<Integer, String> controlSockets = new LinkedHashMap<>();
    /** What each open control socket was asked to receive. */
    public final Map<Integer, ControlSocket.Spec> controlSpecs = new LinkedHashMap<>();
    /** Every control message sent, in order. */
    public final List<Sent> controlSent = new ArrayList<>();
    private final Map<Integer, List<ControlPacket>> received = new HashMap<>();
    /** Interfaces without an IPv6 link-local address: openControl(INET6) refuses them. */
    public final Set<String> noLinkLocal = new HashSet<>();
    /** What {@link ControlSocket#localAddress} answers, by "family ifname"; null when absent. */
    public final Map<String, Addr> localAddresses = new HashMap<>();

    /**
     * Queues {@code n} Solicitations for a control socket to receive, as a neighbour on the link
     * sends them. A closed socket never reads them.
     */
    public void queueSolicitations(int socket, int n) {
        String open = controlSockets.get(socket);
        boolean v6 = open != null && open.startsWith(Family.INET6.name());
        for (int i = 0; i < n; i++) {
            byte[] m = v6 ? new byte[] {(byte) 152, 0, 0, 0, 0, 0, 0, 0} : new byte[] {0x31, 0, 0, 0, 0, 0, 0, 0};
            queue(socket, new ControlPacket(Addr.parse(v6 ? "fe80::2" : "10.0.0.2"),
                    Addr.parse(v6 ? "ff02::2" : "224.0.0.2"), 1, true, m));
        }
    }

    /** Queues a packet for a control socket to receive. */
    public void queue(int socket, ControlPacket p) {
        received.computeIfAbsent(socket, k -> new ArrayList<>()).add(p);
    }

    /** The handle of the open control socket of an interface and family, or -1. */
    public int controlSocket(Family f, String ifname) {
        for (Map.Entry<Integer, String> e : controlSockets.entrySet()) {
            if (e.getValue().startsWith(f + " " + ifname + " ")) {
                return e.getKey();
            }
        }
        return -1;
    }

    @Override
    public ControlSocket openControl(Family f, String ifname, int ifindex, ControlSocket.Spec spec) throws KernelException {
        check("openControl");
        if (f.v6() && noLinkLocal.contains(ifname)) {
            throw new NoLinkLocalException(ifname);
        }
        int s = nextSocket++;
        controlSockets.put(s, f + " " + ifname + " " + ifindex);
        controlSpecs.put(s, spec);
        calls.add("openControl " + f + " " + ifname + " " + ifindex + " " + s);
        return new FakeControl(s, f, ifname, ifindex);
    }

    /** A control socket: sends go to {@link #controlSent}, receives come from the queue. */
    private final class FakeControl implements ControlSocket {
        private final int socket;
        private final Family f;
        private final String ifname;
        private final int ifindex;

        FakeControl(int socket, Family f, String ifname, int ifindex) {
            this.socket = socket;
            this.f = f;
            this.ifname = ifname;
            this.ifindex = ifindex;
        }

        @Override
        public int fd() {
            return socket;
        }

        @Override
        public void send(Addr to, byte[] msg) throws KernelException {
            if (!controlSockets.containsKey(socket)) {
                throw new KernelException("sendto", Errno.EBADF, "Bad file descriptor");
            }
            calls.add("sendControl " + socket + " " + HexFormat.of().formatHex(msg));
            check("sendControl");
            controlSent.add(new Sent(socket, f, ifindex, to, msg.clone()));
        }

        @Override
        public ControlPacket receive() {
            List<ControlPacket> q = received.get(socket);
            return q == null || q.isEmpty() ? null : q.remove(0);
        }

        @Override
        public Addr localAddress() {
            return localAddresses.get(f + " " + ifname);
        }

        @Override
        public void close() {
            calls.add("closeControl " + socket);
            controlSockets.remove(socket);
            controlSpecs.remove(socket);
            received.remove(socket);
        }
    }

    @Override
    public List<Link> links() {
        return new ArrayList<>(links);
    }
}

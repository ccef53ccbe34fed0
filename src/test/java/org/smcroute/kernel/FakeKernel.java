package org.smcroute.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.smcroute.net.Addr;

/**
 * A hand-written kernel double: keeps VIF and MFC tables like the real one, records every call
 * in order, and can be told to fail a call with an errno. Lets the routing domain be tested
 * end to end without root.
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
    public final List<Link> links = new ArrayList<>();
    public final Map<String, Integer> failures = new HashMap<>();
    private final boolean[] open = new boolean[2];
    private final Map<Family, Map<Integer, Integer>> vifs = new HashMap<>();
    private final Map<Family, Map<String, Mfc>> mfc = new HashMap<>();
    public final Map<String, Counters> counters = new HashMap<>();
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

    @Override
    public void open(Family f, int table) throws KernelException {
        check("open");
        calls.add("open " + f + " " + table);
        open[f.ordinal()] = true;
    }

    @Override
    public boolean isOpen(Family f) {
        return open[f.ordinal()];
    }

    @Override
    public void close(Family f) {
        if (open[f.ordinal()]) {
            calls.add("close " + f);
        }
        open[f.ordinal()] = false;
        vifs.get(f).clear();
        mfc.get(f).clear();
    }

    @Override
    public void enableWrongVif(Family f) {
        calls.add("wrongvif " + f);
    }

    @Override
    public void addVif(Family f, int slot, int ifindex, int threshold) throws KernelException {
        check("addVif");
        calls.add("addVif " + f + " " + slot + " " + ifindex + " " + threshold);
        vifs.get(f).put(slot, ifindex);
    }

    @Override
    public void delVif(Family f, int slot, int ifindex) throws KernelException {
        calls.add("delVif " + f + " " + slot);
        if (vifs.get(f).remove(slot) == null) {
            throw new KernelException("delVif", Errno.EADDRNOTAVAIL, "Cannot assign requested address");
        }
    }

    @Override
    public void addMfc(Family f, Addr source, Addr group, int parent, byte[] ttls) throws KernelException {
        check("addMfc");
        Mfc m = new Mfc(parent, ttls.clone());
        calls.add("addMfc " + f + " (" + source + "," + group + ") " + parent + " oifs=" + Integer.toBinaryString(m.oifMask()));
        mfc.get(f).put(key(source, group), m);
    }

    @Override
    public void delMfc(Family f, Addr source, Addr group, int parent) throws KernelException {
        calls.add("delMfc " + f + " (" + source + "," + group + ")");
        if (mfc.get(f).remove(key(source, group)) == null) {
            throw new KernelException("delMfc", Errno.ENOENT, "No such file or directory");
        }
    }

    @Override
    public Counters counters(Family f, Addr source, Addr group) {
        return counters.getOrDefault(key(source, group), Counters.ZERO);
    }

    @Override
    public int upcallFd(Family f) {
        return open[f.ordinal()] ? 100 + f.ordinal() : -1;
    }

    @Override
    public int readUpcalls(Family f, Consumer<Upcall> sink) {
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

    /** Joins per fake socket, as "ifindex source group" strings. */
    public final Map<Integer, java.util.Set<String>> joins = new LinkedHashMap<>();
    private int nextSocket = 1000;
    /** Per-socket membership limit, like net.ipv4.igmp_max_memberships. */
    public int maxMemberships = 20;

    @Override
    public int openJoinSocket(Family f) throws KernelException {
        check("openJoinSocket");
        int s = nextSocket++;
        joins.put(s, new java.util.LinkedHashSet<>());
        calls.add("openJoinSocket " + f + " " + s);
        return s;
    }

    private static String joinKey(int ifindex, Addr source, Addr group) {
        return ifindex + " " + (source == null ? "*" : source) + " " + group;
    }

    @Override
    public void join(int socket, Family f, int ifindex, Addr source, Addr group) throws KernelException {
        check("join");
        var set = joins.get(socket);
        String k = joinKey(ifindex, source, group);
        if (set.contains(k)) {
            throw new KernelException("join", Errno.EADDRINUSE, "Address already in use");
        }
        if (set.size() >= maxMemberships) {
            throw new KernelException("join", Errno.ENOBUFS, "No buffer space available");
        }
        set.add(k);
        calls.add("join " + socket + " " + k);
    }

    @Override
    public void leave(int socket, Family f, int ifindex, Addr source, Addr group) throws KernelException {
        var set = joins.get(socket);
        String k = joinKey(ifindex, source, group);
        calls.add("leave " + socket + " " + k);
        if (set == null || !set.remove(k)) {
            throw new KernelException("leave", Errno.EADDRNOTAVAIL, "Cannot assign requested address");
        }
    }

    @Override
    public void closeJoinSocket(int socket) {
        calls.add("closeJoinSocket " + socket);
        joins.remove(socket);
    }

    /** Every membership currently held, over all sockets. */
    public java.util.List<String> memberships() {
        java.util.List<String> out = new ArrayList<>();
        for (var set : joins.values()) {
            out.addAll(set);
        }
        return out;
    }

    /** One message sent on an mrdisc socket. */
    public record Sent(int socket, Family family, int ifindex, byte[] msg) {
        public int type() {
            return msg[0] & 0xff;
        }
    }

    /** Open mrdisc sockets: handle to "family ifname ifindex". */
    public final Map<Integer, String> mrdiscSockets = new LinkedHashMap<>();
    /** Every mrdisc message sent, in order. */
    public final List<Sent> mrdiscSent = new ArrayList<>();
    private final Map<Integer, Integer> solicitations = new HashMap<>();
    /** Interfaces without an IPv6 link-local address: openMrdisc(INET6) refuses them. */
    public final java.util.Set<String> noLinkLocal = new java.util.HashSet<>();

    /** Queues {@code n} Solicitations for the next {@link #readMrdisc} of a socket. */
    public void queueSolicitations(int socket, int n) {
        solicitations.merge(socket, n, Integer::sum);
    }

    /** The handle of the open mrdisc socket of an interface and family, or -1. */
    public int mrdiscSocket(Family f, String ifname) {
        for (var e : mrdiscSockets.entrySet()) {
            if (e.getValue().startsWith(f + " " + ifname + " ")) {
                return e.getKey();
            }
        }
        return -1;
    }

    @Override
    public int openMrdisc(Family f, String ifname, int ifindex) throws KernelException {
        check("openMrdisc");
        if (f.v6() && noLinkLocal.contains(ifname)) {
            throw new KernelException(Kernel.NO_LINK_LOCAL, Errno.EADDRNOTAVAIL, "no link-local address");
        }
        int s = nextSocket++;
        mrdiscSockets.put(s, f + " " + ifname + " " + ifindex);
        calls.add("openMrdisc " + f + " " + ifname + " " + ifindex + " " + s);
        return s;
    }

    @Override
    public void sendMrdisc(int socket, Family f, int ifindex, byte[] msg) throws KernelException {
        if (!mrdiscSockets.containsKey(socket)) {
            throw new KernelException("sendto", Errno.EBADF, "Bad file descriptor");
        }
        calls.add("sendMrdisc " + socket + " " + java.util.HexFormat.of().formatHex(msg));
        check("sendMrdisc");
        mrdiscSent.add(new Sent(socket, f, ifindex, msg.clone()));
    }

    @Override
    public int readMrdisc(int socket, Family f) {
        Integer n = solicitations.remove(socket);
        return n == null ? 0 : n;
    }

    @Override
    public void closeMrdisc(int socket) {
        calls.add("closeMrdisc " + socket);
        mrdiscSockets.remove(socket);
    }

    @Override
    public List<Link> links() {
        return new ArrayList<>(links);
    }

    @Override
    public void close() {
        for (Family f : Family.values()) {
            close(f);
        }
    }
}

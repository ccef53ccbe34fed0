package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Link;
import org.smcroute.net.Addr;
import org.smcroute.text.Bytes;

/**
 * Interface enumeration with getifaddrs(3), which lists one row per address (plus an AF_PACKET
 * row per device). Rows are merged per device and alias labels ("eth0:1") fold into the base
 * name, because VIFs belong to devices, not to addresses.
 */
final class IfAddrs {

    private static final long NEXT = Layouts.offset(Layouts.IFADDRS, "ifa_next");
    private static final long NAME = Layouts.offset(Layouts.IFADDRS, "ifa_name");
    private static final long FLAGS = Layouts.offset(Layouts.IFADDRS, "ifa_flags");
    private static final long ADDR = Layouts.offset(Layouts.IFADDRS, "ifa_addr");
    private static final long SIN_ADDR = Layouts.offset(Layouts.SOCKADDR_IN, "sin_addr");
    private static final long SIN6_ADDR = Layouts.offset(Layouts.SOCKADDR_IN6, "sin6_addr");

    private IfAddrs() {
    }

    /** One device while rows are merged. */
    private static final class Row {
        int flags;
        Addr ipv4;

        Row(int flags) {
            this.flags = flags;
        }
    }

    static List<Link> links() throws KernelException {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment head = a.allocate(ADDRESS);
            LibC.check("getifaddrs", LibC.getifaddrs(head));
            MemorySegment list = head.get(ADDRESS, 0);
            try {
                MemorySegment p = list;
                while (!p.equals(MemorySegment.NULL)) {
                    MemorySegment ifa = p.reinterpret(Layouts.IFADDRS.byteSize());
                    collect(ifa, rows);
                    p = ifa.get(ADDRESS, NEXT);
                }
            } finally {
                LibC.freeifaddrs(list);
            }
        }
        List<Link> links = new ArrayList<>(rows.size());
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            int index = LibC.ifNameToIndex(e.getKey());
            if (index > 0) { // 0: the device vanished since getifaddrs
                links.add(new Link(e.getKey(), index, e.getValue().flags, e.getValue().ipv4));
            }
        }
        return links;
    }

    /**
     * The address the kernel sends link-scope packets of a family from on {@code ifname}: its
     * first IPv4 address, or its IPv6 link-local one (fe80::/10, whatever its DAD state); alias
     * rows count for their device. Null when there is none.
     */
    static Addr linkAddress(String ifname, boolean v6) throws KernelException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment head = a.allocate(ADDRESS);
            LibC.check("getifaddrs", LibC.getifaddrs(head));
            MemorySegment list = head.get(ADDRESS, 0);
            try {
                for (MemorySegment p = list; !p.equals(MemorySegment.NULL); ) {
                    MemorySegment ifa = p.reinterpret(Layouts.IFADDRS.byteSize());
                    Addr found = linkAddress(ifa, ifname, v6);
                    if (found != null) {
                        return found;
                    }
                    p = ifa.get(ADDRESS, NEXT);
                }
            } finally {
                LibC.freeifaddrs(list);
            }
        }
        return null;
    }

    private static Addr linkAddress(MemorySegment ifa, String ifname, boolean v6) {
        MemorySegment namePtr = ifa.get(ADDRESS, NAME);
        MemorySegment sa = ifa.get(ADDRESS, ADDR);
        if (namePtr.equals(MemorySegment.NULL) || sa.equals(MemorySegment.NULL)) {
            return null;
        }
        String name = cstring(namePtr);
        int colon = name.indexOf(':');
        if (!(colon >= 0 ? name.substring(0, colon) : name).equals(ifname)) {
            return null;
        }
        sa = sa.reinterpret(Layouts.SOCKADDR_IN6.byteSize());
        short family = sa.get(JAVA_SHORT, 0);
        if (!v6) {
            return family == Abi.AF_INET ? Addr.ofIpv4(sa.get(Layouts.IN_ADDR, SIN_ADDR)) : null;
        }
        if (family != Abi.AF_INET6) {
            return null;
        }
        byte[] b = sa.asSlice(SIN6_ADDR, 16).toArray(JAVA_BYTE);
        return (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80 ? Addr.fromBytes(b) : null;
    }

    /** A NUL-terminated interface name (at most IFNAMSIZ bytes), decoded by {@link Bytes}. */
    private static String cstring(MemorySegment p) {
        MemorySegment s = p.reinterpret(Abi.IFNAMSIZ);
        int n = 0;
        while (n < Abi.IFNAMSIZ && s.get(JAVA_BYTE, n) != 0) {
            n++;
        }
        return Bytes.decode(s.asSlice(0, n).toArray(JAVA_BYTE));
    }

    private static void collect(MemorySegment ifa, Map<String, Row> rows) {
        MemorySegment namePtr = ifa.get(ADDRESS, NAME);
        if (namePtr.equals(MemorySegment.NULL)) {
            return;
        }
        String name = cstring(namePtr);
        int colon = name.indexOf(':');
        String base = colon >= 0 ? name.substring(0, colon) : name;
        int flags = ifa.get(JAVA_INT, FLAGS);
        Row row = rows.get(base);
        if (row == null) {
            row = new Row(flags);
            rows.put(base, row);
        } else if (colon < 0) {
            row.flags = flags; // the device's own row wins over an alias row
        }
        MemorySegment sa = ifa.get(ADDRESS, ADDR);
        if (row.ipv4 == null && !sa.equals(MemorySegment.NULL)) {
            sa = sa.reinterpret(Layouts.SOCKADDR_IN.byteSize());
            if (sa.get(JAVA_SHORT, 0) == Abi.AF_INET) {
                row.ipv4 = Addr.ofIpv4(sa.get(Layouts.IN_ADDR, SIN_ADDR));
            }
        }
    }
}

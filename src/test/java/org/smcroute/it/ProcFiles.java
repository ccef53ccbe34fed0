package org.smcroute.it;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smcroute.net.Addr;

/**
 * The kernel's view of multicast routing inside a namespace: {@code /proc/net/ip_mr_vif},
 * {@code ip_mr_cache}, {@code ip6_mr_vif}, {@code ip6_mr_cache} and {@code ip [-6] mroute},
 * parsed into records. Addresses come out in canonical text form ({@link Addr#toString()}), so
 * tests compare with the strings they configured. The formats are those printed by
 * net/ipv4/ipmr.c, net/ipv6/ip6mr.c and iproute2's ipmroute.c.
 */
public final class ProcFiles {

    /**
     * A VIF (IPv4) or MIF (IPv6). {@code local} and {@code remote} are the raw hex words the
     * kernel prints (with VIFF_USE_IFINDEX, flag 8, {@code local} is the ifindex); null for IPv6.
     */
    public record Vif(int index, String name, long bytesIn, long packetsIn, long bytesOut, long packetsOut,
                      int flags, String local, String remote) {
    }

    /**
     * A kernel cache (MFC) entry. {@code iif} is the inbound VIF/MIF, -1 for an unresolved
     * entry; {@code oifs} maps outbound VIF/MIF to its TTL threshold, in VIF order.
     */
    public record Mfc(String group, String origin, int iif, long packets, long bytes, long wrong,
                      Map<Integer, Integer> oifs) {
    }

    /** One line of {@code ip mroute}: interfaces by name, {@code oifs} without TTL annotations. */
    public record Mroute(String source, String group, String iif, List<String> oifs, String state) {
    }

    private ProcFiles() {
    }

    public static List<Vif> vifs(Netns ns, boolean v6) {
        return parseVifs(cat(ns, v6 ? "/proc/net/ip6_mr_vif" : "/proc/net/ip_mr_vif"), v6);
    }

    public static List<Mfc> cache(Netns ns, boolean v6) {
        return parseCache(cat(ns, v6 ? "/proc/net/ip6_mr_cache" : "/proc/net/ip_mr_cache"), v6);
    }

    public static List<Mroute> mroutes(Netns ns, boolean v6) {
        return parseMroutes(ns.exec("ip", v6 ? "-6" : "-4", "mroute", "show").ok().out());
    }

    private static String cat(Netns ns, String file) {
        return ns.exec("cat", file).ok().out();
    }

    static List<Vif> parseVifs(String text, boolean v6) {
        List<Vif> vifs = new ArrayList<>();
        for (String[] f : rows(text)) {
            vifs.add(new Vif(Integer.parseInt(f[0]), f[1], Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), Integer.parseInt(f[6], 16),
                    v6 ? null : f[7], v6 ? null : f[8]));
        }
        return vifs;
    }

    static List<Mfc> parseCache(String text, boolean v6) {
        List<Mfc> entries = new ArrayList<>();
        for (String[] f : rows(text)) {
            Map<Integer, Integer> oifs = new LinkedHashMap<>();
            for (int i = 6; i < f.length; i++) {
                int colon = f[i].indexOf(':');
                oifs.put(Integer.parseInt(f[i].substring(0, colon)), Integer.parseInt(f[i].substring(colon + 1)));
            }
            String group = v6 ? Addr.parse(f[0]).toString() : hexIpv4(f[0]);
            String origin = v6 ? Addr.parse(f[1]).toString() : hexIpv4(f[1]);
            entries.add(new Mfc(group, origin, Integer.parseInt(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), oifs));
        }
        return entries;
    }

    static List<Mroute> parseMroutes(String text) {
        List<Mroute> routes = new ArrayList<>();
        for (String line : text.split("\n")) {
            // "(S,G)   Iif: eth0   Oifs: eth1(ttl 3) eth2  State: resolved", optional fields
            int close = line.indexOf(')');
            if (!line.startsWith("(") || close < 0) {
                continue; // statistics lines (-s) and blank lines
            }
            String[] sg = line.substring(1, close).split(",\\s*");
            String iif = null;
            String state = null;
            List<String> oifs = new ArrayList<>();
            String field = "";
            for (String w : line.substring(close + 1).replaceAll("\\(ttl \\d+\\)", "").strip().split("\\s+")) {
                if (w.endsWith(":")) {
                    field = w;
                } else if (field.equals("Iif:")) {
                    iif = w;
                } else if (field.equals("Oifs:")) {
                    oifs.add(w);
                } else if (field.equals("State:")) {
                    state = w;
                }
            }
            routes.add(new Mroute(sg[0], sg[1], iif, oifs, state));
        }
        return routes;
    }

    /** Whitespace-split data lines, the heading line skipped. */
    private static List<String[]> rows(String text) {
        List<String[]> rows = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                rows.add(lines[i].strip().split("\\s+"));
            }
        }
        return rows;
    }

    /** The kernel prints a __be32 with %08X, so on little-endian hosts the bytes come reversed. */
    public static String hexIpv4(String hex) {
        int v = (int) Long.parseLong(hex, 16);
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            v = Integer.reverseBytes(v);
        }
        return Addr.ofIpv4(v).toString();
    }
}

package org.smcroute.proxy;

import java.util.List;
import org.smcroute.kernel.ControlPacket;
import org.smcroute.net.Addr;
import org.smcroute.net.Checksum;

/** IGMP and MLD packets as hosts and other routers send them, with valid checksums, TTL 1 and Router Alert. */
public final class Packets {

    public static final int IS_IN = 1;
    public static final int IS_EX = 2;
    public static final int TO_IN = 3;
    public static final int TO_EX = 4;
    public static final int ALLOW = 5;
    public static final int BLOCK = 6;

    private Packets() {
    }

    /** An IGMPv3 report with one record, from {@code host}, TTL 1 and Router Alert. */
    public static ControlPacket igmp3(String host, int type, String group, String... sources) {
        byte[] m = new byte[16 + 4 * sources.length];
        m[0] = 0x22;
        m[7] = 1;
        m[8] = (byte) type;
        m[11] = (byte) sources.length;
        Codes.put(m, 12, Addr.parse(group));
        for (int i = 0; i < sources.length; i++) {
            Codes.put(m, 16 + 4 * i, Addr.parse(sources[i]));
        }
        Codes.put16(m, 2, Checksum.of(m));
        return new ControlPacket(Addr.parse(host), Addr.parse("224.0.0.22"), 1, true, m);
    }

    /** An IGMPv1 (0x12) or v2 (0x16) report, or a v2 leave (0x17). */
    public static ControlPacket igmpOld(String host, int type, String group) {
        byte[] m = new byte[8];
        m[0] = (byte) type;
        Codes.put(m, 4, Addr.parse(group));
        Codes.put16(m, 2, Checksum.of(m));
        return new ControlPacket(Addr.parse(host), Addr.parse(type == 0x17 ? "224.0.0.2" : group), 1, true, m);
    }

    /** An MLDv2 report with one record, from link-local {@code host}. */
    public static ControlPacket mld2(String host, int type, String group, String... sources) {
        byte[] m = new byte[28 + 16 * sources.length];
        m[0] = (byte) 143;
        m[7] = 1;
        m[8] = (byte) type;
        m[11] = (byte) sources.length;
        Codes.put(m, 12, Addr.parse(group));
        for (int i = 0; i < sources.length; i++) {
            Codes.put(m, 28 + 16 * i, Addr.parse(sources[i]));
        }
        return icmp6(host, "ff02::16", m);
    }

    /** An MLDv1 report (131) or Done (132). */
    public static ControlPacket mld1(String host, int type, String group) {
        byte[] m = new byte[24];
        m[0] = (byte) type;
        Codes.put(m, 8, Addr.parse(group));
        return icmp6(host, type == 132 ? "ff02::2" : group, m);
    }

    public static ControlPacket icmp6(String host, String dst, byte[] m) {
        Addr src = Addr.parse(host);
        Addr d = Addr.parse(dst);
        Codes.put16(m, 2, Checksum.icmp6(src, d, m, 0, m.length));
        return new ControlPacket(src, d, 1, true, m);
    }

    /** A query from another router: IGMPv3 or MLDv2 General Query. */
    public static ControlPacket generalQuery(String router) {
        Addr r = Addr.parse(router);
        if (!r.v6()) {
            byte[] m = IgmpCodec.query(3, null, List.of(), 100, false, 2, 125);
            return new ControlPacket(r, IgmpCodec.ALL_SYSTEMS, 1, true, m);
        }
        return icmp6(router, "ff02::1", MldCodec.query(2, null, List.of(), 10_000, false, 2, 125));
    }
}

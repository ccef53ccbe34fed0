package org.smcroute.proxy;

import java.util.List;
import org.smcroute.kernel.ControlPacket;
import org.smcroute.net.Addr;
import org.smcroute.net.Checksum;
import org.smcroute.proxy.Message.Drop;
import org.smcroute.proxy.Message.Query;
import org.smcroute.proxy.Message.Rejected;
import org.smcroute.proxy.Message.Report;

/**
 * MLD messages (RFC 2710, RFC 3810 section 5) to and from ICMPv6 bytes. A received message is
 * believed only from a link-local source, with hop limit 1 and a Router Alert (RFC 3810
 * sections 5.1.14 and 5.2.13), with a valid checksum over the pseudo-header, and only as far as
 * its length holds what it announces. Sent messages leave the checksum to the kernel.
 */
final class MldCodec {

    static final int QUERY = 130;
    static final int V1_REPORT = 131;
    static final int V1_DONE = 132;
    static final int V2_REPORT = 143;
    static final List<Integer> TYPES = List.of(QUERY, V1_REPORT, V1_DONE, V2_REPORT);
    static final Addr ALL_NODES = Addr.parse("ff02::1");
    /** What a downstream socket joins: all routers (Done), MLDv2 routers (reports). */
    static final List<Addr> GROUPS = List.of(Addr.parse("ff02::2"), Addr.parse("ff02::16"));

    private MldCodec() {
    }

    static Message decode(ControlPacket p) {
        byte[] m = p.message();
        if (!isLinkLocal(p.source())) {
            return new Rejected(Drop.SOURCE);
        }
        if (p.hopLimit() != 1) {
            return new Rejected(Drop.HOP_LIMIT);
        }
        if (!p.routerAlert()) {
            return new Rejected(Drop.ROUTER_ALERT);
        }
        int type = m.length > 0 ? m[0] & 0xff : -1;
        if (type >= 0 && !TYPES.contains(type)) {
            return Codes.IGNORED;
        }
        if (m.length < (type == V2_REPORT ? 8 : 24)) {
            return Codes.SHORT;
        }
        if (Checksum.icmp6(p.source(), p.destination(), m, 0, m.length) != 0) {
            return new Rejected(Drop.CHECKSUM);
        }
        if (type == V1_REPORT) {
            return new Report(1, false, List.of(new GroupRecord(GroupRecord.IS_EX, Codes.addr(m, 8, 16), List.of())));
        }
        if (type == V1_DONE) {
            return new Report(1, true, List.of(new GroupRecord(GroupRecord.TO_IN, Codes.addr(m, 8, 16), List.of())));
        }
        if (type == V2_REPORT) {
            return Codes.report(m, 16, 2);
        }
        if (type == QUERY) {
            return query(m);
        }
        return Codes.IGNORED;
    }

    static boolean isLinkLocal(Addr a) {
        return a.v6() && (a.hi() >>> 54) == (0xfe80L >>> 6);
    }

    private static Message query(byte[] m) {
        if (m.length == 24) {
            return new Query(1, Codes.addr(m, 8, 16), List.of(), Codes.u16(m, 4), false, 0, 0);
        }
        if (m.length < 28) {
            return Codes.IGNORED; // RFC 3810 section 8.1: no version has this length
        }
        return Codes.query(m, 8, 16, 2, Codes.decode16(Codes.u16(m, 4)));
    }

    /**
     * A query of {@code version} 1 or 2, checksum left to the kernel: General when {@code group}
     * is null, else Multicast-Address-Specific, or Multicast-Address-and-Source-Specific with
     * {@code sources} (version 2 only). {@code maxResponse} in milliseconds.
     */
    static byte[] query(int version, Addr group, List<Addr> sources, int maxResponse, boolean suppress, int qrv, int qqi) {
        byte[] m = new byte[version >= 2 ? 28 + 16 * sources.size() : 24];
        m[0] = (byte) QUERY;
        Codes.put16(m, 4, version >= 2 ? Codes.encode16(maxResponse) : Math.clamp(maxResponse, 0, 0xffff));
        if (group != null) {
            Codes.put(m, 8, group);
        }
        if (version >= 2) {
            m[24] = (byte) ((suppress ? 0x08 : 0) | (qrv <= 7 ? qrv : 0));
            m[25] = (byte) Codes.encode8(qqi);
            Codes.put16(m, 26, sources.size());
            for (int i = 0; i < sources.size(); i++) {
                Codes.put(m, 28 + 16 * i, sources.get(i));
            }
        }
        return m;
    }
}

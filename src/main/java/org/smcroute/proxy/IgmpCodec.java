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
 * IGMP messages (RFC 2236, RFC 3376 section 4) to and from the bytes a raw socket carries. A
 * received message is believed only with TTL 1, a Router Alert and a valid checksum, and only
 * as far as its length holds what it announces.
 */
final class IgmpCodec {

    static final int QUERY = 0x11;
    static final int V1_REPORT = 0x12;
    static final int V2_REPORT = 0x16;
    static final int V2_LEAVE = 0x17;
    static final int V3_REPORT = 0x22;
    /** General Queries go to all systems, Group-Specific ones to the group (RFC 3376 section 4.1.12). */
    static final Addr ALL_SYSTEMS = Addr.parse("224.0.0.1");
    /** What a downstream socket joins: all systems, all routers (leaves), IGMPv3 routers (reports). */
    static final List<Addr> GROUPS = List.of(ALL_SYSTEMS, Addr.parse("224.0.0.2"), Addr.parse("224.0.0.22"));

    private IgmpCodec() {
    }

    static Message decode(ControlPacket p) {
        byte[] m = p.message();
        if (p.hopLimit() != 1) {
            return new Rejected(Drop.HOP_LIMIT);
        }
        if (!p.routerAlert()) {
            return new Rejected(Drop.ROUTER_ALERT);
        }
        if (m.length < 8) {
            return Codes.SHORT;
        }
        if (Checksum.of(m) != 0) {
            return new Rejected(Drop.CHECKSUM);
        }
        int type = m[0] & 0xff;
        Addr group = Codes.addr(m, 4, 4);
        if (type == V1_REPORT || type == V2_REPORT) {
            return new Report(type == V1_REPORT ? 1 : 2, false, List.of(new GroupRecord(GroupRecord.IS_EX, group, List.of())));
        }
        if (type == V2_LEAVE) {
            return new Report(2, true, List.of(new GroupRecord(GroupRecord.TO_IN, group, List.of())));
        }
        if (type == V3_REPORT) {
            return Codes.report(m, 4, 3);
        }
        if (type == QUERY) {
            return query(m, group);
        }
        return Codes.IGNORED;
    }

    private static Message query(byte[] m, Addr group) {
        int code = m[1] & 0xff;
        if (m.length == 8) {
            // IGMPv1 queries carry no response time: 10 s (RFC 3376 section 7.1)
            return new Query(code == 0 ? 1 : 2, group, List.of(), code == 0 ? 10_000 : code * 100, false, 0, 0);
        }
        if (m.length < 12) {
            return Codes.IGNORED; // RFC 3376 section 7.1: no version has this length
        }
        return Codes.query(m, 4, 4, 3, Codes.decode8(code) * 100);
    }

    /**
     * A query of {@code version} 2 or 3 with its checksum: General when {@code group} is null,
     * else Group-Specific, or Group-and-Source-Specific with {@code sources} (version 3 only).
     * {@code maxResponse} is in tenths of a second; a version 2 query carries at most 25.5 s.
     */
    static byte[] query(int version, Addr group, List<Addr> sources, int maxResponse, boolean suppress, int qrv, int qqi) {
        byte[] m = new byte[version >= 3 ? 12 + 4 * sources.size() : 8];
        m[0] = QUERY;
        m[1] = (byte) (version >= 3 ? Codes.encode8(maxResponse) : Math.clamp(maxResponse, 1, 255));
        if (group != null) {
            Codes.put(m, 4, group);
        }
        if (version >= 3) {
            m[8] = (byte) ((suppress ? 0x08 : 0) | (qrv <= 7 ? qrv : 0));
            m[9] = (byte) Codes.encode8(qqi);
            Codes.put16(m, 10, sources.size());
            for (int i = 0; i < sources.size(); i++) {
                Codes.put(m, 12 + 4 * i, sources.get(i));
            }
        }
        Codes.put16(m, 2, Checksum.of(m));
        return m;
    }
}

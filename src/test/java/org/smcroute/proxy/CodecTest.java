package org.smcroute.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.kernel.ControlPacket;
import org.smcroute.net.Addr;
import org.smcroute.net.Checksum;
import org.smcroute.proxy.Message.Drop;
import org.smcroute.proxy.Message.Query;
import org.smcroute.proxy.Message.Rejected;
import org.smcroute.proxy.Message.Report;

/**
 * IGMP and MLD messages against bytes Linux 6.18 hosts sent (captured on the router's control
 * socket), and every way a received packet must be refused.
 */
class CodecTest {

    static final HexFormat HEX = HexFormat.of();
    static final Addr HOST4 = Addr.parse("10.0.1.2");
    static final Addr HOST6 = Addr.parse("fe80::a0f5:4bff:fec1:a7ef");

    static ControlPacket v4(String igmpHex, String dst) {
        return new ControlPacket(HOST4, Addr.parse(dst), 1, true, HEX.parseHex(igmpHex));
    }

    static ControlPacket v6(String icmpHex, String dst) {
        return new ControlPacket(HOST6, Addr.parse(dst), 1, true, HEX.parseHex(icmpHex));
    }

    static GroupRecord rec(int type, String group, String... sources) {
        return new GroupRecord(type, Addr.parse(group), Arrays.stream(sources).map(Addr::parse).toList());
    }

    @Test
    void igmpReportsOfEveryVersionBecomeRecords() {
        assertThat(IgmpCodec.decode(v4("2200e9fb0000000104000000ef010101", "224.0.0.22")))
                .isEqualTo(new Report(3, false, List.of(rec(GroupRecord.TO_EX, "239.1.1.1"))));
        assertThat(IgmpCodec.decode(v4("2200eafb0000000103000000ef010101", "224.0.0.22")))
                .isEqualTo(new Report(3, false, List.of(rec(GroupRecord.TO_IN, "239.1.1.1"))));
        assertThat(IgmpCodec.decode(v4("2200dce80000000105000001e80101010a090909", "224.0.0.22")))
                .isEqualTo(new Report(3, false, List.of(rec(GroupRecord.ALLOW, "232.1.1.1", "10.9.9.9"))));
        assertThat(IgmpCodec.decode(v4("2200dbe80000000106000001e80101010a090909", "224.0.0.22")))
                .isEqualTo(new Report(3, false, List.of(rec(GroupRecord.BLOCK, "232.1.1.1", "10.9.9.9"))));
        assertThat(IgmpCodec.decode(v4("1600f9fbef010102", "239.1.1.2")))
                .isEqualTo(new Report(2, false, List.of(rec(GroupRecord.IS_EX, "239.1.1.2"))));
        assertThat(IgmpCodec.decode(v4("1700f8fbef010102", "224.0.0.2")))
                .isEqualTo(new Report(2, true, List.of(rec(GroupRecord.TO_IN, "239.1.1.2"))));
        byte[] v1 = HEX.parseHex("12000000ef010103");
        Codes.put16(v1, 2, Checksum.of(v1));
        assertThat(IgmpCodec.decode(new ControlPacket(HOST4, Addr.parse("239.1.1.3"), 1, true, v1)))
                .isEqualTo(new Report(1, false, List.of(rec(GroupRecord.IS_EX, "239.1.1.3"))));
    }

    @Test
    void mldReportsOfEveryVersionBecomeRecords() {
        assertThat(MldCodec.decode(v6("8f00dc500000000104000000ff0e0000000000000000000000010007", "ff02::16")))
                .isEqualTo(new Report(2, false, List.of(rec(GroupRecord.TO_EX, "ff0e::1:7"))));
        assertThat(MldCodec.decode(v6("8300ec6100000000ff0e0000000000000000000000010002", "ff0e::1:2")))
                .isEqualTo(new Report(1, false, List.of(rec(GroupRecord.IS_EX, "ff0e::1:2"))));
        assertThat(MldCodec.decode(v6("8400eb6e00000000ff0e0000000000000000000000010002", "ff02::2")))
                .isEqualTo(new Report(1, true, List.of(rec(GroupRecord.TO_IN, "ff0e::1:2"))));
    }

    @Test
    void queriesRoundTripWithTheirFloatingPointFields() {
        List<Addr> srcs = List.of(Addr.parse("10.0.0.1"), Addr.parse("10.0.0.2"));
        byte[] q3 = IgmpCodec.query(3, Addr.parse("239.1.1.1"), srcs, 100, true, 2, 125);
        assertThat(Checksum.of(q3)).isZero();
        assertThat(HEX.formatHex(q3, 0, 12)).isEqualTo("1164" + HEX.formatHex(q3, 2, 4) + "ef0101010a7d0002");
        assertThat(IgmpCodec.decode(new ControlPacket(HOST4, Addr.parse("239.1.1.1"), 1, true, q3)))
                .isEqualTo(new Query(3, Addr.parse("239.1.1.1"), srcs, 10_000, true, 2, 125));
        // 25.5 s is the most an IGMPv2 query can say
        byte[] q2 = IgmpCodec.query(2, null, List.of(), 300, false, 2, 125);
        assertThat(q2).hasSize(8);
        assertThat(IgmpCodec.decode(new ControlPacket(HOST4, IgmpCodec.ALL_SYSTEMS, 1, true, q2)))
                .isEqualTo(new Query(2, Addr.ANY4, List.of(), 25_500, false, 0, 0));
        byte[] m2 = MldCodec.query(2, null, List.of(), 10_000, false, 2, 125);
        assertThat(HEX.formatHex(m2)).isEqualTo("82000000" + "2710" + "0000" + "00".repeat(16) + "027d0000");
        byte[] m1 = MldCodec.query(1, Addr.parse("ff0e::1"), List.of(), 1000, false, 2, 125);
        assertThat(HEX.formatHex(m1)).isEqualTo("82000000" + "03e8" + "0000" + "ff0e" + "00".repeat(13) + "01");
    }

    @Test
    void floatingPointCodesTakeTheLargestValueNotAbove() {
        assertThat(Codes.encode8(127)).isEqualTo(127);
        assertThat(Codes.decode8(Codes.encode8(128))).isEqualTo(128);
        assertThat(Codes.decode8(0x8f)).isEqualTo(0x1f << 3);
        for (int v = 0; v <= Codes.MAX8 + 100; v += 7) {
            int back = Codes.decode8(Codes.encode8(v));
            assertThat(back).isLessThanOrEqualTo(Math.min(v, Codes.MAX8));
            assertThat(back).isGreaterThan(Math.min(v, Codes.MAX8) * 15 / 16 - 1);
        }
        assertThat(Codes.decode8(0xff)).isEqualTo(Codes.MAX8);
        for (int v = 0; v <= Codes.MAX16 + 1000; v += 997) {
            int back = Codes.decode16(Codes.encode16(v));
            assertThat(back).isLessThanOrEqualTo(Math.min(v, Codes.MAX16));
            assertThat(back).isGreaterThan(Math.min(v, Codes.MAX16) * 4095 / 4096 - 1);
        }
    }

    @Test
    void igmpIsRefusedWithoutTtlOneRouterAlertChecksumOrLength() {
        String ok = "2200e9fb0000000104000000ef010101";
        assertThat(IgmpCodec.decode(new ControlPacket(HOST4, Addr.parse("224.0.0.22"), 2, true, HEX.parseHex(ok))))
                .isEqualTo(new Rejected(Drop.HOP_LIMIT));
        assertThat(IgmpCodec.decode(new ControlPacket(HOST4, Addr.parse("224.0.0.22"), 1, false, HEX.parseHex(ok))))
                .isEqualTo(new Rejected(Drop.ROUTER_ALERT));
        assertThat(IgmpCodec.decode(v4("2200e9fc0000000104000000ef010101", "224.0.0.22"))).isEqualTo(new Rejected(Drop.CHECKSUM));
        assertThat(IgmpCodec.decode(v4("2200e9fb00", "224.0.0.22"))).isEqualTo(new Rejected(Drop.SHORT));
        // a record announcing a source that is not there, with a checksum that is right
        byte[] cut = HEX.parseHex("220000000000000105000001ef010101");
        Codes.put16(cut, 2, Checksum.of(cut));
        assertThat(IgmpCodec.decode(v4(HEX.formatHex(cut), "224.0.0.22"))).isEqualTo(new Rejected(Drop.SHORT));
        byte[] mrdisc = HEX.parseHex("3014cf6c007d0002");
        assertThat(IgmpCodec.decode(v4(HEX.formatHex(mrdisc), "224.0.0.106"))).isEqualTo(new Rejected(Drop.IGNORED));
        byte[] odd = HEX.parseHex("1164000000000000000000");
        Codes.put16(odd, 2, Checksum.of(odd));
        assertThat(IgmpCodec.decode(v4(HEX.formatHex(odd), "224.0.0.1"))).isEqualTo(new Rejected(Drop.IGNORED));
    }

    @Test
    void unknownRecordTypesAreSkippedAndTheRestKept() {
        byte[] r = HEX.parseHex("2200000000000002" + "09000000ef010109" + "04000000ef010101");
        Codes.put16(r, 2, Checksum.of(r));
        assertThat(IgmpCodec.decode(v4(HEX.formatHex(r), "224.0.0.22")))
                .isEqualTo(new Report(3, false, List.of(rec(GroupRecord.TO_EX, "239.1.1.1"))));
    }

    @Test
    void mldIsRefusedFromAGlobalSourceOrWithoutHopLimitOneRouterAlertChecksumOrLength() {
        byte[] ok = HEX.parseHex("8f00dc500000000104000000ff0e0000000000000000000000010007");
        Addr dst = Addr.parse("ff02::16");
        assertThat(MldCodec.decode(new ControlPacket(Addr.parse("2001:db8::5"), dst, 1, true, ok))).isEqualTo(new Rejected(Drop.SOURCE));
        assertThat(MldCodec.decode(new ControlPacket(Addr.ANY6, dst, 1, true, ok))).isEqualTo(new Rejected(Drop.SOURCE));
        assertThat(MldCodec.decode(new ControlPacket(HOST6, dst, 255, true, ok))).isEqualTo(new Rejected(Drop.HOP_LIMIT));
        assertThat(MldCodec.decode(new ControlPacket(HOST6, dst, 1, false, ok))).isEqualTo(new Rejected(Drop.ROUTER_ALERT));
        // the pseudo-header counts: the same bytes to another destination fail
        assertThat(MldCodec.decode(new ControlPacket(HOST6, Addr.parse("ff02::2"), 1, true, ok))).isEqualTo(new Rejected(Drop.CHECKSUM));
        byte[] cut = Arrays.copyOf(ok, 20);
        cut[2] = 0;
        cut[3] = 0;
        Codes.put16(cut, 2, Checksum.icmp6(HOST6, dst, cut, 0, cut.length));
        assertThat(MldCodec.decode(new ControlPacket(HOST6, dst, 1, true, cut))).isEqualTo(new Rejected(Drop.SHORT));
        assertThat(MldCodec.decode(new ControlPacket(HOST6, dst, 1, true, Arrays.copyOf(ok, 20)))).isEqualTo(new Rejected(Drop.CHECKSUM));
        assertThat(MldCodec.decode(new ControlPacket(HOST6, dst, 1, true, new byte[0]))).isEqualTo(new Rejected(Drop.SHORT));
        assertThat(MldCodec.decode(new ControlPacket(HOST6, dst, 1, true, HEX.parseHex("97b40000007d0002"))))
                .isEqualTo(new Rejected(Drop.IGNORED));
    }
}

package org.smcroute.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ChecksumTest {

    static final HexFormat HEX = HexFormat.of();

    @Test
    void internetChecksumIsTheRfc1071One() {
        // RFC 1071 section 3 example: sum 0xddf2, checksum its complement
        assertThat(Checksum.of(HEX.parseHex("0001f203f4f5f6f7"))).isEqualTo(0x220d);
        assertThat(Checksum.of(HEX.parseHex("0001f203f4f5f6"))).isEqualTo(0x2304);
        assertThat(Checksum.of(new byte[8])).isEqualTo(0xffff);
        assertThat(Checksum.of(HEX.parseHex("ff0001f203f4f5f6f7ff"), 1, 8)).isEqualTo(0x220d);
    }

    @Test
    void icmp6ChecksumCoversThePseudoHeader() {
        // an MLDv2 report as a Linux 6.18 host sent it (captured), checksum 0xdc50 in place
        byte[] report = HEX.parseHex("8f00dc500000000104000000ff0e0000000000000000000000010007");
        Addr src = Addr.parse("fe80::a0f5:4bff:fec1:a7ef");
        Addr dst = Addr.parse("ff02::16");
        assertThat(Checksum.icmp6(src, dst, report, 0, report.length)).isZero();
        report[2] = 0;
        report[3] = 0;
        assertThat(Checksum.icmp6(src, dst, report, 0, report.length)).isEqualTo(0xdc50);
        assertThat(Checksum.icmp6(Addr.parse("fe80::1"), dst, report, 0, report.length)).isNotEqualTo(0xdc50);
    }
}

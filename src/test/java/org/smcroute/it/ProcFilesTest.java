package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsers of {@link ProcFiles} against text captured from kernel 6.x and iproute2 (original smcrouted routing). */
class ProcFilesTest {

    @Test
    void ipv4Vifs() {
        String text = """
                Interface      BytesIn  PktsIn  BytesOut PktsOut Flags Local    Remote
                 0 eth0            296       8         0       0 00008 00000002 00000000
                 1 eth1              0       0       296       8 00008 00000003 00000000
                """;
        assertThat(ProcFiles.parseVifs(text, false)).containsExactly(
                new ProcFiles.Vif(0, "eth0", 296, 8, 0, 0, 8, "00000002", "00000000"),
                new ProcFiles.Vif(1, "eth1", 0, 0, 296, 8, 8, "00000003", "00000000"));
    }

    @Test
    void ipv6VifsAndEmptyFiles() {
        String text = """
                Interface      BytesIn  PktsIn  BytesOut PktsOut Flags
                 0 eth0            456       8         0       0 00000
                """;
        assertThat(ProcFiles.parseVifs(text, true)).containsExactly(
                new ProcFiles.Vif(0, "eth0", 456, 8, 0, 0, 0, null, null));
        assertThat(ProcFiles.parseVifs("Interface      BytesIn  PktsIn  BytesOut PktsOut Flags\n", true)).isEmpty();
        assertThat(ProcFiles.parseCache("Group    Origin   Iif     Pkts    Bytes    Wrong Oifs\n", false)).isEmpty();
    }

    @Test
    void ipv4Cache() {
        String text = """
                Group    Origin   Iif     Pkts    Bytes    Wrong Oifs
                030201E1 0200000A 0          5      185        0  1:3    2:1  \s
                040201E1 0200000A 0          3      111        0
                """;
        assertThat(ProcFiles.parseCache(text, false)).containsExactly(
                new ProcFiles.Mfc("225.1.2.3", "10.0.0.2", 0, 5, 185, 0, Map.of(1, 3, 2, 1)),
                new ProcFiles.Mfc("225.1.2.4", "10.0.0.2", 0, 3, 111, 0, Map.of()));
    }

    @Test
    void ipv6Cache() {
        String text = """
                Group                            Origin                           Iif      Pkts  Bytes     Wrong  Oifs
                ff0e:0000:0000:0000:0000:0000:0001:0003 fd00:0000:0000:0000:0000:0000:0000:0002 0          4      228        0  1:1 \s
                """;
        assertThat(ProcFiles.parseCache(text, true)).containsExactly(
                new ProcFiles.Mfc("ff0e::1:3", "fd00::2", 0, 4, 228, 0, Map.of(1, 1)));
    }

    @Test
    void ipMroute() {
        String text = """
                (10.0.0.2,225.1.2.3)             Iif: eth0       Oifs: eth1(ttl 3) eth2  State: resolved
                  5 packets, 185 bytes, Age 0.68
                (fd00::2,ff0e::1:5)              Iif: eth0        State: resolved
                (10.0.0.9,225.1.2.9)             Iif: unresolved  State: unresolved Table: 5
                """;
        assertThat(ProcFiles.parseMroutes(text)).containsExactly(
                new ProcFiles.Mroute("10.0.0.2", "225.1.2.3", "eth0", List.of("eth1", "eth2"), "resolved"),
                new ProcFiles.Mroute("fd00::2", "ff0e::1:5", "eth0", List.of(), "resolved"),
                new ProcFiles.Mroute("10.0.0.9", "225.1.2.9", "unresolved", List.of(), "unresolved"));
    }
}

package org.smcroute.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.smcroute.kernel.ControlPacket;
import org.smcroute.net.Addr;

/** How {@link LinuxControlSocket} reads what its raw sockets deliver, without a socket. */
class ControlPacketParseTest {

    static final HexFormat HEX = HexFormat.of();

    @Test
    void ipv4HeaderGivesAddressesTtlRouterAlertAndTheIgmpMessage() {
        // an IGMPv2 report from 10.0.1.2 to 239.1.1.2, TTL 1, Router Alert, as Linux sends it
        byte[] p = HEX.parseHex("46c000200000400001024a400a000102ef010102940400001600f8fcef010102");
        ControlPacket c = LinuxControlSocket.ipv4(p, p.length);
        assertThat(c.source()).isEqualTo(Addr.parse("10.0.1.2"));
        assertThat(c.destination()).isEqualTo(Addr.parse("239.1.1.2"));
        assertThat(c.hopLimit()).isEqualTo(1);
        assertThat(c.routerAlert()).isTrue();
        assertThat(HEX.formatHex(c.message())).isEqualTo("1600f8fcef010102");
    }

    @Test
    void ipv4WithoutOptionsOrWithOtherOptionsHasNoRouterAlert() {
        byte[] plain = HEX.parseHex("45c0001c00004000020200000a000102e00000161600f8fcef010102");
        ControlPacket c = LinuxControlSocket.ipv4(plain, plain.length);
        assertThat(c.routerAlert()).isFalse();
        assertThat(c.hopLimit()).isEqualTo(2);
        assertThat(c.message()).hasSize(8);
        // no-op, then a timestamp-like option of length 4: no Router Alert among them
        byte[] other = HEX.parseHex("47c000240000400001020000" + "0a000102e0000016" + "0144040001000000" + "1600f8fcef010102");
        assertThat(LinuxControlSocket.ipv4(other, other.length).routerAlert()).isFalse();
        byte[] nopThenRa = HEX.parseHex("47c000240000400001020000" + "0a000102e0000016" + "0194040000000000" + "1600f8fcef010102");
        assertThat(LinuxControlSocket.ipv4(nopThenRa, nopThenRa.length).routerAlert()).isTrue();
    }

    @Test
    void ipv4ShorterThanItsHeaderIsNoPacket() {
        assertThat(LinuxControlSocket.ipv4(new byte[19], 19)).isNull();
        byte[] p = HEX.parseHex("46c000200000400001024a400a000102ef010102");
        assertThat(LinuxControlSocket.ipv4(p, p.length)).isNull();
    }

    @Test
    void hopByHopRouterAlertIsFoundBehindPadding() {
        assertThat(LinuxControlSocket.hasRouterAlert(HEX.parseHex("3a00050200000100"))).isTrue();
        assertThat(LinuxControlSocket.hasRouterAlert(HEX.parseHex("3a00010005020000"))).isTrue();
        assertThat(LinuxControlSocket.hasRouterAlert(HEX.parseHex("3a00010400000000"))).isFalse();
        assertThat(LinuxControlSocket.hasRouterAlert(HEX.parseHex("3a"))).isFalse();
        // an option claiming more than the header holds
        assertThat(LinuxControlSocket.hasRouterAlert(HEX.parseHex("3a0001ff05020000"))).isFalse();
    }
}

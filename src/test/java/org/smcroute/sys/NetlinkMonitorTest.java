package org.smcroute.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.sys.NetlinkMonitor.LinkEvent;

/** The rtnetlink header walk on hand-built datagrams, including lengths the kernel never sends. */
class NetlinkMonitorTest {

    final ByteBuffer bb = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());
    final List<LinkEvent> got = new ArrayList<>();

    /** nlmsghdr + fixed header ({@code fixed} bytes, ifindex at 4) + optional name attribute. */
    void msg(int type, int fixed, int ifindex, int attr, String name) {
        int start = bb.position();
        bb.putInt(0).putShort((short) type).putShort((short) 0).putInt(1).putInt(0);
        int body = bb.position();
        bb.put(new byte[fixed]);
        if (fixed >= 8) {
            bb.putInt(body + 4, ifindex);
        }
        if (name != null) {
            byte[] n = (name + "\0").getBytes();
            bb.putShort((short) (4 + n.length)).putShort((short) attr).put(n);
            pad();
        }
        bb.putInt(start, bb.position() - start);
    }

    void pad() {
        while (bb.position() % 4 != 0) {
            bb.put((byte) 0);
        }
    }

    int parse() {
        // off-heap like the real receive buffer: heap byte[] segments are only byte-aligned
        MemorySegment off = Arena.ofAuto().allocate(bb.capacity(), 8);
        off.copyFrom(MemorySegment.ofArray(bb.array()));
        return NetlinkMonitor.parse(off, bb.position(), got::add);
    }

    @Test
    void decodesLinkAndAddressMessages() {
        msg(Abi.RTM_NEWLINK, 16, 7, Abi.IFLA_IFNAME, "eth1");
        msg(Abi.RTM_NEWADDR, 8, 7, Abi.IFA_LABEL, "eth1:2");
        msg(Abi.RTM_DELADDR, 8, 9, 0, null);
        msg(Abi.RTM_DELLINK, 16, 7, Abi.IFLA_IFNAME | 0x8000, "eth1"); // flag bits are masked
        msg(24 /* RTM_NEWROUTE */, 12, 0, 0, null);
        msg(Abi.NLMSG_OVERRUN, 0, 0, 0, null);
        assertThat(parse()).isEqualTo(5);
        assertThat(got).containsExactly(
                new LinkEvent(NetlinkMonitor.NEWLINK, 7, "eth1"),
                new LinkEvent(NetlinkMonitor.NEWADDR, 7, "eth1:2"),
                new LinkEvent(NetlinkMonitor.DELADDR, 9, null),
                new LinkEvent(NetlinkMonitor.DELLINK, 7, "eth1"),
                new LinkEvent(NetlinkMonitor.OVERRUN, 0, null));
    }

    @Test
    void skipsOtherAttributesBeforeTheName() {
        int start = bb.position();
        bb.putInt(0).putShort((short) Abi.RTM_NEWLINK).putShort((short) 0).putInt(0).putInt(0);
        bb.put(new byte[16]);
        bb.putShort((short) 5).putShort((short) 4 /* IFLA_MTU-ish */).put((byte) 1);
        pad();
        bb.putShort((short) 7).putShort((short) Abi.IFLA_IFNAME).put("ab\0".getBytes());
        pad();
        bb.putInt(start, bb.position() - start);
        assertThat(parse()).isEqualTo(1);
        assertThat(got).containsExactly(new LinkEvent(NetlinkMonitor.NEWLINK, 0, "ab"));
    }

    @Test
    void badLengthsEndTheWalk() {
        msg(Abi.RTM_NEWLINK, 16, 3, Abi.IFLA_IFNAME, "x");
        int second = bb.position();
        msg(Abi.RTM_NEWLINK, 16, 4, Abi.IFLA_IFNAME, "y");
        bb.putInt(second, 10_000); // claims more than was received
        assertThat(parse()).isEqualTo(1);
        got.clear();
        bb.clear();
        msg(Abi.RTM_NEWLINK, 16, 3, 0, null);
        bb.putInt(0, 3); // shorter than a header: must not loop forever
        assertThat(parse()).isZero();
        bb.clear();
        msg(Abi.RTM_NEWLINK, 16, 3, Abi.IFLA_IFNAME, "z");
        bb.putShort(32, (short) 200); // attribute longer than its message
        assertThat(parse()).isEqualTo(1);
        assertThat(got).containsExactly(new LinkEvent(NetlinkMonitor.NEWLINK, 3, null));
        got.clear();
        bb.clear();
        msg(Abi.RTM_NEWADDR, 0, 0, 0, null); // no room for the ifaddrmsg
        assertThat(parse()).isEqualTo(1);
        assertThat(got).containsExactly(new LinkEvent(NetlinkMonitor.NEWADDR, 0, null));
    }

    @Test
    void drainOnClosedMonitorIsZero() throws Exception {
        NetlinkMonitor m = NetlinkMonitor.open(); // opening needs no privilege
        assertThat(m.fd()).isNotNegative();
        m.close();
        m.close();
        assertThat(m.fd()).isEqualTo(-1);
        assertThat(m.drain()).isZero();
    }
}

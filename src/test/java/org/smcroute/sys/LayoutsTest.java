package org.smcroute.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smcroute.sys.Layouts.offset;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import org.junit.jupiter.api.Test;

/** Pins every structure of SPEC §16.5 to the x86_64 C sizes and offsets, and the §16.2 constants. */
class LayoutsTest {

    private static void fields(GroupLayout l, long size, Object... nameOffset) {
        assertThat(l.byteSize()).as("sizeof").isEqualTo(size);
        for (int i = 0; i < nameOffset.length; i += 2) {
            String[] path = ((String) nameOffset[i]).split("\\.");
            assertThat(offset(l, path)).as((String) nameOffset[i]).isEqualTo(((Number) nameOffset[i + 1]).longValue());
        }
    }

    @Test
    void vifctl() {
        fields(Layouts.VIFCTL, 16, "vifc_vifi", 0, "vifc_flags", 2, "vifc_threshold", 3, "vifc_rate_limit", 4,
                "u.vifc_lcl_addr", 8, "u.vifc_lcl_ifindex", 8, "vifc_rmt_addr", 12);
    }

    @Test
    void mfcctl() {
        fields(Layouts.MFCCTL, 60, "mfcc_origin", 0, "mfcc_mcastgrp", 4, "mfcc_parent", 8, "mfcc_ttls", 10,
                "mfcc_pkt_cnt", 44, "mfcc_byte_cnt", 48, "mfcc_wrong_if", 52, "mfcc_expire", 56);
        assertThat(Layouts.MFCCTL.select(MemoryLayout.PathElement.groupElement("mfcc_ttls")).byteSize()).isEqualTo(32);
    }

    @Test
    void siocSgReq() {
        fields(Layouts.SIOC_SG_REQ, 32, "src", 0, "grp", 4, "pktcnt", 8, "bytecnt", 16, "wrong_if", 24);
    }

    @Test
    void igmpmsg() {
        fields(Layouts.IGMPMSG, 20, "unused1", 0, "unused2", 4, "im_msgtype", 8, "im_mbz", 9, "im_vif", 10,
                "im_vif_hi", 11, "im_src", 12, "im_dst", 16);
    }

    @Test
    void mif6ctl() {
        fields(Layouts.MIF6CTL, 12, "mif6c_mifi", 0, "mif6c_flags", 2, "vifc_threshold", 3, "mif6c_pifi", 4,
                "vifc_rate_limit", 8);
    }

    @Test
    void sockaddrs() {
        fields(Layouts.SOCKADDR_IN6, 28, "sin6_family", 0, "sin6_port", 2, "sin6_flowinfo", 4, "sin6_addr", 8,
                "sin6_scope_id", 24);
        fields(Layouts.SOCKADDR_IN, 16, "sin_family", 0, "sin_port", 2, "sin_addr", 4, "sin_zero", 8);
        fields(Layouts.SOCKADDR_UN, 110, "sun_family", 0, "sun_path", 2);
        fields(Layouts.SOCKADDR_NL, 12, "nl_family", 0, "nl_pad", 2, "nl_pid", 4, "nl_groups", 8);
        fields(Layouts.SOCKADDR_STORAGE, 128, "ss_family", 0);
        assertThat(Layouts.SOCKADDR_STORAGE.byteAlignment()).isEqualTo(8);
    }

    @Test
    void mf6cctl() {
        fields(Layouts.MF6CCTL, 92, "mf6cc_origin", 0, "mf6cc_mcastgrp", 28, "mf6cc_parent", 56, "mf6cc_ifset", 60,
                "mf6cc_mcastgrp.sin6_addr", 36);
    }

    @Test
    void siocSgReq6() {
        fields(Layouts.SIOC_SG_REQ6, 80, "src", 0, "grp", 28, "pktcnt", 56, "bytecnt", 64, "wrong_if", 72);
    }

    @Test
    void mrt6msg() {
        fields(Layouts.MRT6MSG, 40, "im6_mbz", 0, "im6_msgtype", 1, "im6_mif", 2, "im6_pad", 4, "im6_src", 8,
                "im6_dst", 24);
    }

    @Test
    void joinStructs() {
        fields(Layouts.GROUP_REQ, 136, "gr_interface", 0, "gr_group", 8);
        fields(Layouts.GROUP_SOURCE_REQ, 264, "gsr_interface", 0, "gsr_group", 8, "gsr_source", 136);
        fields(Layouts.IP_MREQN, 12, "imr_multiaddr", 0, "imr_address", 4, "imr_ifindex", 8);
        fields(Layouts.IP_MREQ, 8, "imr_multiaddr", 0, "imr_interface", 4);
        fields(Layouts.IPV6_MREQ, 20, "ipv6mr_multiaddr", 0, "ipv6mr_interface", 16);
    }

    @Test
    void bpfAndPoll() {
        fields(Layouts.SOCK_FPROG, 16, "len", 0, "filter", 8);
        fields(Layouts.SOCK_FILTER, 8, "code", 0, "jt", 2, "jf", 3, "k", 4);
        fields(Layouts.POLLFD, 8, "fd", 0, "events", 4, "revents", 6);
        fields(Layouts.IFADDRS, 56, "ifa_next", 0, "ifa_name", 8, "ifa_flags", 16, "ifa_addr", 24,
                "ifa_netmask", 32, "ifa_ifu", 40, "ifa_data", 48);
        assertThat(Layouts.ICMP6_FILTER.byteSize()).isEqualTo(32);
    }

    @Test
    void constants() {
        assertThat(new int[] {LibC.AF_UNIX, LibC.AF_INET, LibC.AF_INET6, LibC.AF_NETLINK}).containsExactly(1, 2, 10, 16);
        assertThat(new int[] {LibC.SOCK_STREAM, LibC.SOCK_DGRAM, LibC.SOCK_RAW, LibC.SOCK_NONBLOCK, LibC.SOCK_CLOEXEC})
                .containsExactly(1, 2, 3, 0x800, 0x80000);
        assertThat(new int[] {LibC.IPPROTO_IP, LibC.IPPROTO_IGMP, LibC.IPPROTO_IPV6, LibC.IPPROTO_ICMPV6,
            LibC.NETLINK_ROUTE, LibC.SOL_SOCKET}).containsExactly(0, 2, 41, 58, 0, 1);
        assertThat(new int[] {LibC.SO_BINDTODEVICE, LibC.SO_ATTACH_FILTER}).containsExactly(25, 26);
        assertThat(new int[] {LibC.IP_OPTIONS, LibC.IP_MULTICAST_IF, LibC.IP_MULTICAST_TTL, LibC.IP_MULTICAST_LOOP,
            LibC.IP_ADD_MEMBERSHIP, LibC.IP_DROP_MEMBERSHIP, LibC.IP_MULTICAST_ALL})
                .containsExactly(4, 32, 33, 34, 35, 36, 49);
        assertThat(new int[] {LibC.MRT_INIT, LibC.MRT_DONE, LibC.MRT_ADD_VIF, LibC.MRT_DEL_VIF, LibC.MRT_ADD_MFC,
            LibC.MRT_DEL_MFC, LibC.MRT_VERSION, LibC.MRT_ASSERT, LibC.MRT_PIM, LibC.MRT_TABLE})
                .containsExactly(200, 201, 202, 203, 204, 205, 206, 207, 208, 209);
        assertThat(new int[] {LibC.IPV6_MULTICAST_IF, LibC.IPV6_MULTICAST_HOPS, LibC.IPV6_MULTICAST_LOOP,
            LibC.IPV6_JOIN_GROUP, LibC.IPV6_LEAVE_GROUP, LibC.IPV6_MULTICAST_ALL, LibC.IPV6_HOPOPTS})
                .containsExactly(17, 18, 19, 20, 21, 29, 54);
        assertThat(new int[] {LibC.MRT6_INIT, LibC.MRT6_DONE, LibC.MRT6_ADD_MIF, LibC.MRT6_DEL_MIF, LibC.MRT6_ADD_MFC,
            LibC.MRT6_DEL_MFC, LibC.MRT6_ASSERT, LibC.MRT6_PIM, LibC.MRT6_TABLE})
                .containsExactly(200, 201, 202, 203, 204, 205, 207, 208, 209);
        assertThat(new int[] {LibC.MCAST_JOIN_GROUP, LibC.MCAST_LEAVE_GROUP, LibC.MCAST_JOIN_SOURCE_GROUP,
            LibC.MCAST_LEAVE_SOURCE_GROUP, LibC.ICMP6_FILTER}).containsExactly(42, 45, 46, 47, 1);
        assertThat(LibC.SIOCGETSGCNT).isEqualTo(0x89E1);
        assertThat(LibC.SIOCGETSGCNT_IN6).isEqualTo(0x89E1);
        assertThat(new int[] {LibC.VIFF_TUNNEL, LibC.VIFF_SRCRT, LibC.VIFF_REGISTER, LibC.VIFF_USE_IFINDEX,
            LibC.MIFF_REGISTER}).containsExactly(1, 2, 4, 8, 1);
        assertThat(new int[] {LibC.IGMPMSG_NOCACHE, LibC.IGMPMSG_WRONGVIF, LibC.IGMPMSG_WHOLEPKT,
            LibC.IGMPMSG_WRVIFWHOLE, LibC.MRT6MSG_NOCACHE, LibC.MRT6MSG_WRONGMIF, LibC.MRT6MSG_WHOLEPKT})
                .containsExactly(1, 2, 3, 4, 1, 2, 3);
        assertThat(new int[] {LibC.RTMGRP_LINK, LibC.RTMGRP_IPV4_IFADDR, LibC.RTMGRP_IPV6_IFADDR})
                .containsExactly(0x1, 0x10, 0x100);
        assertThat(new int[] {LibC.IFNAMSIZ, LibC.MAXVIFS, LibC.MAXMIFS}).containsExactly(16, 32, 32);
    }
}

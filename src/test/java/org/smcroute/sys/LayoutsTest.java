package org.smcroute.sys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.smcroute.sys.Layouts.offset;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import org.junit.jupiter.api.Test;

/** Pins every structure to the x86_64 C sizes and offsets, and the kernel constants to their Linux values. */
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
    void siocVifReq() {
        fields(Layouts.SIOC_VIF_REQ, 40, "vifi", 0, "icount", 8, "ocount", 16, "ibytes", 24, "obytes", 32);
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
        fields(Layouts.IPV6_MREQ, 20, "ipv6mr_multiaddr", 0, "ipv6mr_interface", 16);
        // GROUP_FILTER_SIZE(n) = 144 + 128 * n
        fields(Layouts.GROUP_FILTER, 272, "gf_interface", 0, "gf_group", 8, "gf_fmode", 136, "gf_numsrc", 140,
                "gf_slist", 144);
    }

    @Test
    void recvmsgStructs() {
        fields(Layouts.MSGHDR, 56, "msg_name", 0, "msg_namelen", 8, "msg_iov", 16, "msg_iovlen", 24,
                "msg_control", 32, "msg_controllen", 40, "msg_flags", 48);
        fields(Layouts.IOVEC, 16, "iov_base", 0, "iov_len", 8);
        fields(Layouts.CMSGHDR, 16, "cmsg_len", 0, "cmsg_level", 8, "cmsg_type", 12);
        fields(Layouts.IN6_PKTINFO, 20, "ipi6_addr", 0, "ipi6_ifindex", 16);
    }

    @Test
    void netlink() {
        fields(Layouts.NLMSGHDR, 16, "nlmsg_len", 0, "nlmsg_type", 4, "nlmsg_flags", 6, "nlmsg_seq", 8, "nlmsg_pid", 12);
        fields(Layouts.IFINFOMSG, 16, "ifi_family", 0, "ifi_type", 2, "ifi_index", 4, "ifi_flags", 8, "ifi_change", 12);
        fields(Layouts.IFADDRMSG, 8, "ifa_family", 0, "ifa_prefixlen", 1, "ifa_flags", 2, "ifa_scope", 3,
                "ifa_index", 4);
        fields(Layouts.RTATTR, 4, "rta_len", 0, "rta_type", 2);
    }

    @Test
    void privileges() {
        fields(Layouts.PASSWD, 48, "pw_name", 0, "pw_passwd", 8, "pw_uid", 16, "pw_gid", 20, "pw_gecos", 24,
                "pw_dir", 32, "pw_shell", 40);
        fields(Layouts.GROUP, 32, "gr_name", 0, "gr_passwd", 8, "gr_gid", 16, "gr_mem", 24);
        fields(Layouts.CAP_HEADER, 8, "version", 0, "pid", 4);
        fields(Layouts.CAP_DATA, 12, "effective", 0, "permitted", 4, "inheritable", 8);
        fields(Layouts.RLIMIT, 16, "rlim_cur", 0, "rlim_max", 8);
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
        assertThat(new int[] {Abi.AF_UNIX, Abi.AF_INET, Abi.AF_INET6, Abi.AF_NETLINK}).containsExactly(1, 2, 10, 16);
        assertThat(new int[] {Abi.SOCK_STREAM, Abi.SOCK_DGRAM, Abi.SOCK_RAW, Abi.SOCK_NONBLOCK, Abi.SOCK_CLOEXEC})
                .containsExactly(1, 2, 3, 0x800, 0x80000);
        assertThat(new int[] {Abi.IPPROTO_IP, Abi.IPPROTO_IGMP, Abi.IPPROTO_IPV6, Abi.IPPROTO_ICMPV6,
            Abi.NETLINK_ROUTE, Abi.SOL_SOCKET}).containsExactly(0, 2, 41, 58, 0, 1);
        assertThat(new int[] {Abi.SO_BINDTODEVICE, Abi.SO_ATTACH_FILTER}).containsExactly(25, 26);
        assertThat(new int[] {Abi.IP_OPTIONS, Abi.IP_ROUTER_ALERT, Abi.IP_MULTICAST_IF, Abi.IP_MULTICAST_TTL, Abi.IP_MULTICAST_LOOP,
            Abi.IP_ADD_MEMBERSHIP, Abi.IP_MULTICAST_ALL})
                .containsExactly(4, 5, 32, 33, 34, 35, 49);
        assertThat(new int[] {Abi.MRT_INIT, Abi.MRT_DONE, Abi.MRT_ADD_VIF, Abi.MRT_DEL_VIF, Abi.MRT_ADD_MFC,
            Abi.MRT_DEL_MFC, Abi.MRT_PIM, Abi.MRT_TABLE})
                .containsExactly(200, 201, 202, 203, 204, 205, 208, 209);
        assertThat(new int[] {Abi.IPV6_MULTICAST_IF, Abi.IPV6_MULTICAST_HOPS, Abi.IPV6_MULTICAST_LOOP,
            Abi.IPV6_JOIN_GROUP, Abi.IPV6_MULTICAST_ALL, Abi.IPV6_RECVPKTINFO, Abi.IPV6_PKTINFO,
            Abi.IPV6_RECVHOPLIMIT, Abi.IPV6_HOPLIMIT, Abi.IPV6_RECVHOPOPTS, Abi.IPV6_HOPOPTS})
                .containsExactly(17, 18, 19, 20, 29, 49, 50, 51, 52, 53, 54);
        assertThat(new int[] {Abi.MRT6_INIT, Abi.MRT6_DONE, Abi.MRT6_ADD_MIF, Abi.MRT6_DEL_MIF, Abi.MRT6_ADD_MFC,
            Abi.MRT6_DEL_MFC, Abi.MRT6_ASSERT, Abi.MRT6_PIM, Abi.MRT6_TABLE})
                .containsExactly(200, 201, 202, 203, 204, 205, 207, 208, 209);
        assertThat(new int[] {Abi.MCAST_JOIN_GROUP, Abi.MCAST_LEAVE_GROUP, Abi.MCAST_JOIN_SOURCE_GROUP,
            Abi.MCAST_LEAVE_SOURCE_GROUP, Abi.MCAST_MSFILTER, Abi.MCAST_EXCLUDE, Abi.MCAST_INCLUDE, Abi.ICMP6_FILTER})
                .containsExactly(42, 45, 46, 47, 48, 0, 1, 1);
        assertThat(Abi.SIOCGETSGCNT).isEqualTo(0x89E1);
        assertThat(Abi.SIOCGETSGCNT_IN6).isEqualTo(0x89E1);
        assertThat(Abi.SIOCGETVIFCNT).isEqualTo(0x89E0);
        assertThat(Abi.SIOCGETMIFCNT_IN6).isEqualTo(0x89E0);
        assertThat(Abi.VIFF_USE_IFINDEX).isEqualTo(8);
        assertThat(new int[] {Abi.IGMPMSG_NOCACHE, Abi.IGMPMSG_WRONGVIF, Abi.IGMPMSG_WHOLEPKT,
            Abi.IGMPMSG_WRVIFWHOLE, Abi.MRT6MSG_NOCACHE, Abi.MRT6MSG_WRONGMIF, Abi.MRT6MSG_WHOLEPKT})
                .containsExactly(1, 2, 3, 4, 1, 2, 3);
        assertThat(new int[] {Abi.RTMGRP_LINK, Abi.RTMGRP_IPV4_IFADDR, Abi.RTMGRP_IPV6_IFADDR})
                .containsExactly(0x1, 0x10, 0x100);
        assertThat(new int[] {Abi.IFNAMSIZ, Abi.MAXVIFS, Abi.MAXMIFS}).containsExactly(16, 32, 32);
        assertThat(new int[] {Abi.SO_REUSEADDR, Abi.SO_DETACH_FILTER, Abi.BPF_RET_K}).containsExactly(2, 27, 6);
        assertThat(Abi.FIONREAD).isEqualTo(0x541B);
        assertThat(new int[] {Abi.NLMSG_OVERRUN, Abi.RTM_NEWLINK, Abi.RTM_DELLINK, Abi.RTM_NEWADDR,
            Abi.RTM_DELADDR, Abi.IFLA_IFNAME, Abi.IFA_LABEL}).containsExactly(4, 16, 17, 20, 21, 3, 3);
        assertThat(new int[] {Abi.PR_SET_KEEPCAPS, Abi.RLIMIT_NOFILE, Abi.LINUX_CAPABILITY_VERSION_3})
                .containsExactly(8, 7, 0x20080522);
    }
}

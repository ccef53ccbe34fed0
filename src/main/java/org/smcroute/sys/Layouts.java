package org.smcroute.sys;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.MemoryLayout.unionLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The C structures the native calls pass and read, as {@link MemoryLayout}s with explicit padding,
 * so the byte offsets are computed rather than hand-counted; {@code LayoutsTest} pins every size
 * and offset to the x86_64 C values. Fields carrying addresses are big-endian ints or raw byte
 * arrays (network order); everything else is host order.
 */
final class Layouts {

    /** An {@code in_addr}: 4 bytes in network order. */
    static final ValueLayout.OfInt IN_ADDR = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
    static final MemoryLayout IN6_ADDR = sequenceLayout(16, JAVA_BYTE).withByteAlignment(4);

    static final StructLayout VIFCTL = structLayout(
            JAVA_SHORT.withName("vifc_vifi"),
            JAVA_BYTE.withName("vifc_flags"),
            JAVA_BYTE.withName("vifc_threshold"),
            JAVA_INT.withName("vifc_rate_limit"),
            unionLayout(IN_ADDR.withName("vifc_lcl_addr"), JAVA_INT.withName("vifc_lcl_ifindex")).withName("u"),
            IN_ADDR.withName("vifc_rmt_addr"));

    static final StructLayout MFCCTL = structLayout(
            IN_ADDR.withName("mfcc_origin"),
            IN_ADDR.withName("mfcc_mcastgrp"),
            JAVA_SHORT.withName("mfcc_parent"),
            sequenceLayout(32, JAVA_BYTE).withName("mfcc_ttls"),
            paddingLayout(2),
            JAVA_INT.withName("mfcc_pkt_cnt"),
            JAVA_INT.withName("mfcc_byte_cnt"),
            JAVA_INT.withName("mfcc_wrong_if"),
            JAVA_INT.withName("mfcc_expire"));

    static final StructLayout SIOC_SG_REQ = structLayout(
            IN_ADDR.withName("src"),
            IN_ADDR.withName("grp"),
            JAVA_LONG.withName("pktcnt"),
            JAVA_LONG.withName("bytecnt"),
            JAVA_LONG.withName("wrong_if"));

    /** {@code sioc_vif_req} and {@code sioc_mif_req6}: the same shape, a u16 slot then four counters. */
    static final StructLayout SIOC_VIF_REQ = structLayout(
            JAVA_SHORT.withName("vifi"),
            paddingLayout(6),
            JAVA_LONG.withName("icount"),
            JAVA_LONG.withName("ocount"),
            JAVA_LONG.withName("ibytes"),
            JAVA_LONG.withName("obytes"));

    static final StructLayout IGMPMSG = structLayout(
            JAVA_INT.withName("unused1"),
            JAVA_INT.withName("unused2"),
            JAVA_BYTE.withName("im_msgtype"),
            JAVA_BYTE.withName("im_mbz"),
            JAVA_BYTE.withName("im_vif"),
            JAVA_BYTE.withName("im_vif_hi"),
            IN_ADDR.withName("im_src"),
            IN_ADDR.withName("im_dst"));

    static final StructLayout MIF6CTL = structLayout(
            JAVA_SHORT.withName("mif6c_mifi"),
            JAVA_BYTE.withName("mif6c_flags"),
            JAVA_BYTE.withName("vifc_threshold"),
            JAVA_SHORT.withName("mif6c_pifi"),
            paddingLayout(2),
            JAVA_INT.withName("vifc_rate_limit"));

    static final StructLayout SOCKADDR_IN = structLayout(
            JAVA_SHORT.withName("sin_family"),
            JAVA_SHORT.withName("sin_port"),
            IN_ADDR.withName("sin_addr"),
            sequenceLayout(8, JAVA_BYTE).withName("sin_zero"));

    static final StructLayout SOCKADDR_IN6 = structLayout(
            JAVA_SHORT.withName("sin6_family"),
            JAVA_SHORT.withName("sin6_port"),
            JAVA_INT.withName("sin6_flowinfo"),
            IN6_ADDR.withName("sin6_addr"),
            JAVA_INT.withName("sin6_scope_id"));

    static final StructLayout MF6CCTL = structLayout(
            SOCKADDR_IN6.withName("mf6cc_origin"),
            SOCKADDR_IN6.withName("mf6cc_mcastgrp"),
            JAVA_SHORT.withName("mf6cc_parent"),
            paddingLayout(2),
            sequenceLayout(8, JAVA_INT).withName("mf6cc_ifset"));

    static final StructLayout SIOC_SG_REQ6 = structLayout(
            SOCKADDR_IN6.withName("src"),
            SOCKADDR_IN6.withName("grp"),
            JAVA_LONG.withName("pktcnt"),
            JAVA_LONG.withName("bytecnt"),
            JAVA_LONG.withName("wrong_if"));

    static final StructLayout MRT6MSG = structLayout(
            JAVA_BYTE.withName("im6_mbz"),
            JAVA_BYTE.withName("im6_msgtype"),
            JAVA_SHORT.withName("im6_mif"),
            JAVA_INT.withName("im6_pad"),
            IN6_ADDR.withName("im6_src"),
            IN6_ADDR.withName("im6_dst"));

    /** {@code sockaddr_storage}: 128 bytes, 8-aligned. */
    static final StructLayout SOCKADDR_STORAGE = structLayout(
            JAVA_SHORT.withName("ss_family"),
            paddingLayout(6),
            sequenceLayout(15, JAVA_LONG).withName("ss_data"));

    static final StructLayout GROUP_REQ = structLayout(
            JAVA_INT.withName("gr_interface"),
            paddingLayout(4),
            SOCKADDR_STORAGE.withName("gr_group"));

    static final StructLayout GROUP_SOURCE_REQ = structLayout(
            JAVA_INT.withName("gsr_interface"),
            paddingLayout(4),
            SOCKADDR_STORAGE.withName("gsr_group"),
            SOCKADDR_STORAGE.withName("gsr_source"));

    /**
     * {@code group_filter} with room for one source, as the kernel's GROUP_FILTER_SIZE counts:
     * a filter of n sources takes {@code offset(gf_slist) + n * sizeof(sockaddr_storage)} bytes.
     */
    static final StructLayout GROUP_FILTER = structLayout(
            JAVA_INT.withName("gf_interface"),
            paddingLayout(4),
            SOCKADDR_STORAGE.withName("gf_group"),
            JAVA_INT.withName("gf_fmode"),
            JAVA_INT.withName("gf_numsrc"),
            SOCKADDR_STORAGE.withName("gf_slist"));

    static final StructLayout IOVEC = structLayout(
            ADDRESS.withName("iov_base"),
            JAVA_LONG.withName("iov_len"));

    static final StructLayout MSGHDR = structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            paddingLayout(4));

    /** {@code struct cmsghdr}; the data follows at CMSG_ALIGN(sizeof) = 16. */
    static final StructLayout CMSGHDR = structLayout(
            JAVA_LONG.withName("cmsg_len"),
            JAVA_INT.withName("cmsg_level"),
            JAVA_INT.withName("cmsg_type"));

    static final StructLayout IN6_PKTINFO = structLayout(
            IN6_ADDR.withName("ipi6_addr"),
            JAVA_INT.withName("ipi6_ifindex"));

    static final StructLayout IP_MREQN = structLayout(
            IN_ADDR.withName("imr_multiaddr"),
            IN_ADDR.withName("imr_address"),
            JAVA_INT.withName("imr_ifindex"));

    static final StructLayout IPV6_MREQ = structLayout(
            IN6_ADDR.withName("ipv6mr_multiaddr"),
            JAVA_INT.withName("ipv6mr_interface"));

    static final StructLayout SOCKADDR_NL = structLayout(
            JAVA_SHORT.withName("nl_family"),
            JAVA_SHORT.withName("nl_pad"),
            JAVA_INT.withName("nl_pid"),
            JAVA_INT.withName("nl_groups"));

    static final StructLayout NLMSGHDR = structLayout(
            JAVA_INT.withName("nlmsg_len"),
            JAVA_SHORT.withName("nlmsg_type"),
            JAVA_SHORT.withName("nlmsg_flags"),
            JAVA_INT.withName("nlmsg_seq"),
            JAVA_INT.withName("nlmsg_pid"));

    static final StructLayout IFINFOMSG = structLayout(
            JAVA_BYTE.withName("ifi_family"),
            JAVA_BYTE.withName("__ifi_pad"),
            JAVA_SHORT.withName("ifi_type"),
            JAVA_INT.withName("ifi_index"),
            JAVA_INT.withName("ifi_flags"),
            JAVA_INT.withName("ifi_change"));

    static final StructLayout IFADDRMSG = structLayout(
            JAVA_BYTE.withName("ifa_family"),
            JAVA_BYTE.withName("ifa_prefixlen"),
            JAVA_BYTE.withName("ifa_flags"),
            JAVA_BYTE.withName("ifa_scope"),
            JAVA_INT.withName("ifa_index"));

    /** {@code struct rtattr}; the payload follows at offset 4. */
    static final StructLayout RTATTR = structLayout(
            JAVA_SHORT.withName("rta_len"),
            JAVA_SHORT.withName("rta_type"));

    static final StructLayout SOCK_FILTER = structLayout(
            JAVA_SHORT.withName("code"),
            JAVA_BYTE.withName("jt"),
            JAVA_BYTE.withName("jf"),
            JAVA_INT.withName("k"));

    static final StructLayout SOCK_FPROG = structLayout(
            JAVA_SHORT.withName("len"),
            paddingLayout(6),
            ADDRESS.withName("filter"));

    /** {@code sockaddr_un}: the path holds at most 107 bytes plus the terminating NUL. */
    static final StructLayout SOCKADDR_UN = structLayout(
            JAVA_SHORT.withName("sun_family"),
            sequenceLayout(108, JAVA_BYTE).withName("sun_path"));

    static final StructLayout POLLFD = structLayout(
            JAVA_INT.withName("fd"),
            JAVA_SHORT.withName("events"),
            JAVA_SHORT.withName("revents"));

    /** {@code struct ifaddrs} (glibc, x86_64/aarch64). */
    static final StructLayout IFADDRS = structLayout(
            ADDRESS.withName("ifa_next"),
            ADDRESS.withName("ifa_name"),
            JAVA_INT.withName("ifa_flags"),
            paddingLayout(4),
            ADDRESS.withName("ifa_addr"),
            ADDRESS.withName("ifa_netmask"),
            ADDRESS.withName("ifa_ifu"),
            ADDRESS.withName("ifa_data"));

    /** {@code struct passwd} (glibc, LP64). */
    static final StructLayout PASSWD = structLayout(
            ADDRESS.withName("pw_name"),
            ADDRESS.withName("pw_passwd"),
            JAVA_INT.withName("pw_uid"),
            JAVA_INT.withName("pw_gid"),
            ADDRESS.withName("pw_gecos"),
            ADDRESS.withName("pw_dir"),
            ADDRESS.withName("pw_shell"));

    /** {@code struct group} (glibc, LP64). */
    static final StructLayout GROUP = structLayout(
            ADDRESS.withName("gr_name"),
            ADDRESS.withName("gr_passwd"),
            JAVA_INT.withName("gr_gid"),
            paddingLayout(4),
            ADDRESS.withName("gr_mem"));

    /** {@code struct __user_cap_header_struct}. */
    static final StructLayout CAP_HEADER = structLayout(
            JAVA_INT.withName("version"),
            JAVA_INT.withName("pid"));

    /** {@code struct __user_cap_data_struct}; version 3 passes an array of two (caps 0-31, 32-63). */
    static final StructLayout CAP_DATA = structLayout(
            JAVA_INT.withName("effective"),
            JAVA_INT.withName("permitted"),
            JAVA_INT.withName("inheritable"));

    static final StructLayout RLIMIT = structLayout(
            JAVA_LONG.withName("rlim_cur"),
            JAVA_LONG.withName("rlim_max"));

    /** {@code struct icmp6_filter}: 256 bits, a set bit blocks that ICMPv6 type. */
    static final MemoryLayout ICMP6_FILTER = sequenceLayout(8, JAVA_INT);

    private Layouts() {
    }

    /** Byte offset of a (possibly nested) field, e.g. {@code offset(MF6CCTL, "mf6cc_mcastgrp")}. */
    static long offset(GroupLayout layout, String... path) {
        PathElement[] p = new PathElement[path.length];
        for (int i = 0; i < path.length; i++) {
            p[i] = PathElement.groupElement(path[i]);
        }
        return layout.byteOffset(p);
    }
}

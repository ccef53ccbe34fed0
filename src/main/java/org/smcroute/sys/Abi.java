package org.smcroute.sys;

/**
 * Kernel ABI numbers (SPEC §16.2), x86_64/aarch64 Linux values, kept apart from the downcalls in
 * {@link LibC} so that each file stays readable. These names live here and nowhere else.
 */
final class Abi {

    // families, types (SPEC §16.2)
    static final int AF_UNIX = 1;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    // protocols, levels
    static final int IPPROTO_IP = 0;
    static final int IPPROTO_IGMP = 2;
    static final int IPPROTO_IPV6 = 41;
    static final int IPPROTO_ICMPV6 = 58;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_SOCKET = 1;
    // SOL_SOCKET options
    static final int SO_RCVBUF = 8;
    static final int SO_RCVBUFFORCE = 33;
    static final int SO_BINDTODEVICE = 25;
    static final int SO_ATTACH_FILTER = 26;
    static final int SO_DETACH_FILTER = 27;
    static final int SO_REUSEADDR = 2;
    // IPPROTO_IP options
    static final int IP_OPTIONS = 4;
    static final int IP_ROUTER_ALERT = 5;
    static final int IP_MULTICAST_IF = 32;
    static final int IP_MULTICAST_TTL = 33;
    static final int IP_MULTICAST_LOOP = 34;
    static final int IP_ADD_MEMBERSHIP = 35;
    static final int IP_MULTICAST_ALL = 49;
    // MRT_* (level IPPROTO_IP)
    static final int MRT_INIT = 200;
    static final int MRT_DONE = 201;
    static final int MRT_ADD_VIF = 202;
    static final int MRT_DEL_VIF = 203;
    static final int MRT_ADD_MFC = 204;
    static final int MRT_DEL_MFC = 205;
    static final int MRT_PIM = 208;
    static final int MRT_TABLE = 209;
    // IPPROTO_IPV6 options
    static final int IPV6_MULTICAST_IF = 17;
    static final int IPV6_MULTICAST_HOPS = 18;
    static final int IPV6_MULTICAST_LOOP = 19;
    static final int IPV6_JOIN_GROUP = 20;
    static final int IPV6_MULTICAST_ALL = 29;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int IPV6_RECVHOPLIMIT = 51;
    static final int IPV6_HOPLIMIT = 52;
    static final int IPV6_RECVHOPOPTS = 53;
    /** Sets the Hop-by-Hop header of packets sent; also the type of the received one's cmsg. */
    static final int IPV6_HOPOPTS = 54;
    // MRT6_* (level IPPROTO_IPV6)
    static final int MRT6_INIT = 200;
    static final int MRT6_DONE = 201;
    static final int MRT6_ADD_MIF = 202;
    static final int MRT6_DEL_MIF = 203;
    static final int MRT6_ADD_MFC = 204;
    static final int MRT6_DEL_MFC = 205;
    static final int MRT6_ASSERT = 207;
    static final int MRT6_PIM = 208;
    static final int MRT6_TABLE = 209;
    // RFC 3678
    static final int MCAST_JOIN_GROUP = 42;
    static final int MCAST_LEAVE_GROUP = 45;
    static final int MCAST_JOIN_SOURCE_GROUP = 46;
    static final int MCAST_LEAVE_SOURCE_GROUP = 47;
    static final int MCAST_MSFILTER = 48;
    static final int MCAST_EXCLUDE = 0;
    static final int MCAST_INCLUDE = 1;
    static final int ICMP6_FILTER = 1;
    /** Classic BPF {@code BPF_RET | BPF_K}: return the constant k (0 = drop the packet). */
    static final short BPF_RET_K = 0x06;
    // ioctl
    static final long SIOCGETVIFCNT = 0x89E0;
    static final long SIOCGETMIFCNT_IN6 = 0x89E0;
    static final long SIOCGETSGCNT = 0x89E1;
    static final long SIOCGETSGCNT_IN6 = 0x89E1;
    static final long FIONREAD = 0x541B;
    // VIF/MIF flags
    static final int VIFF_USE_IFINDEX = 8;
    // upcalls
    static final int IGMPMSG_NOCACHE = 1;
    static final int IGMPMSG_WRONGVIF = 2;
    static final int IGMPMSG_WHOLEPKT = 3;
    static final int IGMPMSG_WRVIFWHOLE = 4;
    static final int MRT6MSG_NOCACHE = 1;
    static final int MRT6MSG_WRONGMIF = 2;
    static final int MRT6MSG_WHOLEPKT = 3;
    // netlink groups
    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_IPV4_IFADDR = 0x10;
    static final int RTMGRP_IPV6_IFADDR = 0x100;
    // netlink messages (linux/netlink.h, linux/rtnetlink.h)
    static final int NLMSG_OVERRUN = 4;
    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_NEWADDR = 20;
    static final int RTM_DELADDR = 21;
    static final int IFLA_IFNAME = 3;
    static final int IFA_LABEL = 3;
    // privileges
    static final int PR_SET_KEEPCAPS = 8;
    static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    static final int RLIMIT_NOFILE = 7;
    // other
    static final int IFNAMSIZ = 16;
    static final int MAXVIFS = 32;
    static final int MAXMIFS = 32;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_PEEK = 0x2;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    static final int O_WRONLY = 1;
    static final int O_CLOEXEC = 0x80000;

    private Abi() {
    }
}

package org.smcroute.kernel;

import org.smcroute.net.Addr;

/**
 * One system interface as enumeration reports it, alias rows already folded into the base
 * name. {@code ipv4} is the first IPv4 address or null.
 */
public record Link(String name, int index, int flags, Addr ipv4) {
    public static final int IFF_UP = 0x1;
    public static final int IFF_LOOPBACK = 0x8;
    public static final int IFF_MULTICAST = 0x1000;

    public boolean multicast() {
        return (flags & IFF_MULTICAST) != 0;
    }
}

package org.smcroute.kernel;

import org.smcroute.net.Addr;

/**
 * One IGMP or ICMPv6 message read from a {@link ControlSocket}, with what the protocols check
 * before they believe it (RFC 3376 section 9, RFC 3810 section 5): who sent it to where, the
 * TTL or hop limit it arrived with, and whether it carried a Router Alert. {@code message}
 * starts at the IGMP or ICMPv6 header, whatever the family.
 */
public record ControlPacket(Addr source, Addr destination, int hopLimit, boolean routerAlert, byte[] message) {
}

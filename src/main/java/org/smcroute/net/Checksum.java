package org.smcroute.net;

/**
 * The Internet checksum of RFC 1071, as IGMP carries it over its message and ICMPv6 over the
 * message plus the IPv6 pseudo-header (RFC 8200 section 8.1). A message that carries a valid
 * checksum sums to 0.
 */
public final class Checksum {

    private static final int ICMPV6 = 58;

    private Checksum() {
    }

    /** The checksum of {@code b[off..off+len)}; 0 over data that already carries a valid one. */
    public static int of(byte[] b, int off, int len) {
        return fold(sum(0, b, off, len));
    }

    public static int of(byte[] b) {
        return of(b, 0, b.length);
    }

    /** The ICMPv6 checksum of {@code msg} sent from {@code source} to {@code destination}. */
    public static int icmp6(Addr source, Addr destination, byte[] msg, int off, int len) {
        long sum = sum(0, source.toBytes(), 0, 16);
        sum = sum(sum, destination.toBytes(), 0, 16);
        sum += (len >>> 16) + (len & 0xffff) + ICMPV6;
        return fold(sum(sum, msg, off, len));
    }

    private static long sum(long sum, byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        for (; i + 1 < end; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8;
        }
        return sum;
    }

    private static int fold(long sum) {
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}

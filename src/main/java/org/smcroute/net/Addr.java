package org.smcroute.net;

/**
 * An IPv4 or IPv6 address as a value: two longs instead of a byte array, so it can be a record
 * key, masked and compared without allocation. IPv4 lives in the low 32 bits of {@code lo}.
 *
 * <p>Parsing is strict (dotted quad for IPv4, RFC 4291 text for IPv6) and never touches DNS;
 * formatting follows glibc {@code inet_ntop}, because show output must match the original.
 */
public record Addr(boolean v6, long hi, long lo) implements Comparable<Addr> {

    public static final Addr ANY4 = new Addr(false, 0, 0);
    public static final Addr ANY6 = new Addr(true, 0, 0);

    // equals and hashCode are written out, not generated (start-up rule, see the README)
    @Override
    public boolean equals(Object o) {
        return o instanceof Addr a && v6 == a.v6 && hi == a.hi && lo == a.lo;
    }

    @Override
    public int hashCode() {
        long h = hi * 31 + lo;
        return (int) (h ^ (h >>> 32)) ^ (v6 ? 1 : 0);
    }

    /** Full prefix length of this address's family (32 or 128). */
    public int fullLength() {
        return v6 ? 128 : 32;
    }

    public boolean isAny() {
        return hi == 0 && lo == 0;
    }

    public boolean isMulticast() {
        return v6 ? (hi >>> 56) == 0xff : (lo & 0xf0000000L) == 0xe0000000L;
    }

    /** The address with all bits past {@code len} cleared; 0 or full length returns itself. */
    public Addr mask(int len) {
        int full = fullLength();
        if (len <= 0 || len >= full) {
            return this;
        }
        if (!v6) {
            long m = (0xffffffffL << (32 - len)) & 0xffffffffL;
            return new Addr(false, 0, lo & m);
        }
        if (len <= 64) {
            long m = len == 64 ? -1L : ~(-1L >>> len);
            return new Addr(true, hi & m, 0);
        }
        long m = ~(-1L >>> (len - 64));
        return new Addr(true, hi, lo & m);
    }

    /** True when {@code other} lies in this address's /len network (both sides masked). */
    public boolean covers(int len, Addr other) {
        // bitwise, without building the masked addresses: this runs per template per new flow
        if (v6 != other.v6) {
            return false;
        }
        int full = fullLength();
        if (len <= 0 || len >= full) {
            return hi == other.hi && lo == other.lo;
        }
        if (!v6) {
            long m = (0xffffffffL << (32 - len)) & 0xffffffffL;
            return ((lo ^ other.lo) & m) == 0;
        }
        if (len <= 64) {
            long m = len == 64 ? -1L : ~(-1L >>> len);
            return ((hi ^ other.hi) & m) == 0;
        }
        return hi == other.hi && ((lo ^ other.lo) & ~(-1L >>> (len - 64))) == 0;
    }

    /** The address {@code n} positions after this one (wrapping), for range expansion. */
    public Addr plus(long n) {
        if (!v6) {
            return new Addr(false, 0, (lo + n) & 0xffffffffL);
        }
        long nlo = lo + n;
        long carry = Long.compareUnsigned(nlo, lo) < 0 ? 1 : 0;
        return new Addr(true, hi + carry, nlo);
    }

    /** Network byte order: 4 or 16 bytes. */
    public byte[] toBytes() {
        if (!v6) {
            return new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    public static Addr fromBytes(byte[] b) {
        if (b.length == 4) {
            return new Addr(false, 0, ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL));
        }
        if (b.length != 16) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes");
        }
        long h = 0;
        long l = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (b[i] & 0xffL);
            l = (l << 8) | (b[8 + i] & 0xffL);
        }
        return new Addr(true, h, l);
    }

    public static Addr ofIpv4(int value) {
        return new Addr(false, 0, value & 0xffffffffL);
    }

    /** IPv4 value as a host int (for native structs). */
    public int ipv4() {
        return (int) lo;
    }

    /**
     * Parses an address; the family is chosen by the presence of {@code ':'}.
     *
     * @return the address, or null when the text is not a valid address
     */
    public static Addr parse(String text) {
        return text.indexOf(':') >= 0 ? parse6(text) : parse4(text);
    }

    /** Parses in the given family; null when invalid or of the other family. */
    public static Addr parse(String text, boolean v6) {
        Addr a = parse(text);
        return a != null && a.v6 == v6 ? a : null;
    }

    private static Addr parse4(String s) {
        long value = 0;
        int parts = 0;
        int i = 0;
        int n = s.length();
        while (parts < 4) {
            int start = i;
            int octet = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                octet = octet * 10 + (s.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    return null;
                }
            }
            if (i == start || octet > 255 || (i - start > 1 && s.charAt(start) == '0')) {
                return null;
            }
            value = (value << 8) | octet;
            parts++;
            if (parts < 4) {
                if (i >= n || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == n ? new Addr(false, 0, value) : null;
    }

    private static Addr parse6(String s) {
        int[] words = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        int n = s.length();
        if (n < 2) {
            return null;
        }
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == n) {
                return ANY6;
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            if (count >= 8) {
                return null;
            }
            int start = i;
            int word = 0;
            while (i < n && Character.digit(s.charAt(i), 16) >= 0) {
                word = (word << 4) | Character.digit(s.charAt(i), 16);
                i++;
                if (i - start > 4) {
                    return null;
                }
            }
            if (i < n && s.charAt(i) == '.') {
                // embedded IPv4 in the last 32 bits
                Addr v4 = parse4(s.substring(start));
                if (v4 == null || count > 6) {
                    return null;
                }
                words[count++] = (int) (v4.lo >>> 16);
                words[count++] = (int) (v4.lo & 0xffff);
                i = n;
                break;
            }
            if (i == start) {
                return null;
            }
            words[count++] = word;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
            } else if (i == n) {
                return null;
            }
        }
        int[] full = new int[8];
        if (gap >= 0) {
            if (count > 7) {
                return null;
            }
            int tail = count - gap;
            System.arraycopy(words, 0, full, 0, gap);
            System.arraycopy(words, gap, full, 8 - tail, tail);
        } else {
            if (count != 8) {
                return null;
            }
            full = words;
        }
        long h = 0;
        long l = 0;
        for (int k = 0; k < 4; k++) {
            h = (h << 16) | full[k];
            l = (l << 16) | full[4 + k];
        }
        return new Addr(true, h, l);
    }

    /** Canonical text: dotted quad, or compressed IPv6 as glibc's inet_ntop prints it. */
    @Override
    public String toString() {
        if (!v6) {
            return ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
        }
        int[] w = new int[8];
        for (int k = 0; k < 4; k++) {
            w[k] = (int) ((hi >>> (48 - 16 * k)) & 0xffff);
            w[4 + k] = (int) ((lo >>> (48 - 16 * k)) & 0xffff);
        }
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int k = 0; k < 8; k++) {
            if (w[k] == 0) {
                if (curBase < 0) {
                    curBase = k;
                    curLen = 1;
                } else {
                    curLen++;
                }
            } else if (curBase >= 0) {
                if (curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase >= 0 && curLen > bestLen) {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder(40);
        for (int k = 0; k < 8; k++) {
            if (bestBase >= 0 && k >= bestBase && k < bestBase + bestLen) {
                if (k == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (k != 0) {
                sb.append(':');
            }
            if (k == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && w[5] == 0xffff))) {
                sb.append(new Addr(false, 0, lo & 0xffffffffL));
                break;
            }
            sb.append(Integer.toHexString(w[k]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        return sb.toString();
    }

    @Override
    public int compareTo(Addr o) {
        if (v6 != o.v6) {
            return v6 ? 1 : -1;
        }
        int c = Long.compareUnsigned(hi, o.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }
}

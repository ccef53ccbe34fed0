package org.smcroute.proxy;

import java.util.Arrays;
import org.smcroute.net.Addr;

/**
 * The field encodings IGMPv3 and MLDv2 share: Max Resp Code and QQIC as small floating-point
 * numbers (RFC 3376 sections 4.1.1 and 4.1.7, RFC 3810 sections 5.1.3 and 5.1.9), and addresses
 * and 16-bit numbers in network order.
 */
final class Codes {

    /** Largest value an 8-bit code carries: mantissa 0xf, exponent 7. */
    static final int MAX8 = 0x1f << 10;
    /** Largest value a 16-bit code carries. */
    static final int MAX16 = 0x1fff << 10;

    private Codes() {
    }

    /** An 8-bit code: the value itself below 128, else {@code 1 exp(3) mant(4)}. */
    static int decode8(int code) {
        code &= 0xff;
        return code < 128 ? code : ((code & 0x0f) | 0x10) << (((code >> 4) & 7) + 3);
    }

    /** The code of the largest representable value not above {@code value} (RFC 9776 section 8.13). */
    static int encode8(int value) {
        int v = Math.clamp(value, 0, MAX8);
        if (v < 128) {
            return v;
        }
        for (int exp = 0; exp < 8; exp++) {
            int mant = (v >> (exp + 3)) - 0x10;
            if (mant < 0x10) {
                return 0x80 | (exp << 4) | mant;
            }
        }
        return 0xff;
    }

    /** A 16-bit code: the value itself below 32768, else {@code 1 exp(3) mant(12)}. */
    static int decode16(int code) {
        code &= 0xffff;
        return code < 32768 ? code : ((code & 0x0fff) | 0x1000) << (((code >> 12) & 7) + 3);
    }

    static int encode16(int value) {
        int v = Math.clamp(value, 0, MAX16);
        if (v < 32768) {
            return v;
        }
        for (int exp = 0; exp < 8; exp++) {
            int mant = (v >> (exp + 3)) - 0x1000;
            if (mant < 0x1000) {
                return 0x8000 | (exp << 12) | mant;
            }
        }
        return 0xffff;
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >> 8);
        b[at + 1] = (byte) v;
    }

    static Addr addr(byte[] b, int at, int len) {
        return Addr.fromBytes(Arrays.copyOfRange(b, at, at + len));
    }

    static void put(byte[] b, int at, Addr a) {
        byte[] x = a.toBytes();
        System.arraycopy(x, 0, b, at, x.length);
    }
}

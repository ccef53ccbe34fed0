package org.smcroute.proxy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.smcroute.net.Addr;
import org.smcroute.proxy.Message.Drop;
import org.smcroute.proxy.Message.Query;
import org.smcroute.proxy.Message.Rejected;
import org.smcroute.proxy.Message.Report;

/**
 * What IGMPv3 and MLDv2 share on the wire: Max Resp Code and QQIC as small floating-point
 * numbers (RFC 3376 sections 4.1.1 and 4.1.7, RFC 3810 sections 5.1.3 and 5.1.9), the layout of
 * reports and of queries from their group address on, addresses and 16-bit numbers in network
 * order.
 */
final class Codes {

    static final Rejected SHORT = new Rejected(Drop.SHORT);
    static final Rejected IGNORED = new Rejected(Drop.IGNORED);

    /** Largest value an 8-bit code carries: mantissa 0xf, exponent 7. */
    static final int MAX8 = 0x1f << 10;
    /** Largest value a 16-bit code carries. */
    static final int MAX16 = 0x1fff << 10;

    private Codes() {
    }

    /** An 8-bit code: the value itself below 128, else {@code 1 exp(3) mant(4)}. */
    static int decode8(int code) {
        return decode(code, 4);
    }

    /** The 8-bit code of the largest representable value not above {@code value} (RFC 9776 section 8.13). */
    static int encode8(int value) {
        return encode(value, 4);
    }

    /** A 16-bit code: the value itself below 32768, else {@code 1 exp(3) mant(12)}. */
    static int decode16(int code) {
        return decode(code, 12);
    }

    static int encode16(int value) {
        return encode(value, 12);
    }

    /** A code with a mantissa of {@code bits}: {@code (mant | 1 << bits) << (exp + 3)} from its lowest float. */
    private static int decode(int code, int bits) {
        int lowest = 1 << (bits + 3);
        code &= (lowest << 1) - 1;
        if (code < lowest) {
            return code;
        }
        return ((code & ((1 << bits) - 1)) | (1 << bits)) << (((code >> bits) & 7) + 3);
    }

    private static int encode(int value, int bits) {
        int lowest = 1 << (bits + 3);
        int v = Math.clamp(value, 0, ((1 << (bits + 1)) - 1) << 10);
        if (v < lowest) {
            return v;
        }
        for (int exp = 0; exp < 8; exp++) {
            int mant = (v >> (exp + 3)) - (1 << bits);
            if (mant < (1 << bits)) {
                return lowest | (exp << bits) | mant;
            }
        }
        return (lowest << 1) - 1;
    }

    /**
     * The group records of an IGMPv3 or MLDv2 report, whose layouts differ only in the address
     * length: a record count at 6, records from 8, each type, aux length, source count, group,
     * sources and aux words. Unknown record types are skipped (RFC 3376 section 4.2.12).
     */
    static Message report(byte[] m, int alen, int version) {
        int count = u16(m, 6);
        List<GroupRecord> records = new ArrayList<>(Math.min(count, 256));
        int at = 8;
        for (int r = 0; r < count; r++) {
            if (m.length < at + 4 + alen) {
                return SHORT;
            }
            int type = m[at] & 0xff;
            int n = u16(m, at + 2);
            int end = at + 4 + alen * (n + 1) + 4 * (m[at + 1] & 0xff);
            if (m.length < end) {
                return SHORT;
            }
            if (type >= GroupRecord.IS_IN && type <= GroupRecord.BLOCK) {
                List<Addr> sources = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    sources.add(addr(m, at + 4 + alen * (i + 1), alen));
                }
                records.add(new GroupRecord(type, addr(m, at + 4, alen), sources));
            }
            at = end;
        }
        return new Report(version, false, records);
    }

    /**
     * An IGMPv3 or MLDv2 query from its group (at {@code groupAt}) on: flags and QRV, QQIC, a
     * source count and the sources follow the group in both.
     */
    static Message query(byte[] m, int groupAt, int alen, int version, int maxResponse) {
        int at = groupAt + alen;
        int n = u16(m, at + 2);
        if (m.length < at + 4 + alen * n) {
            return SHORT;
        }
        List<Addr> sources = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sources.add(addr(m, at + 4 + alen * i, alen));
        }
        return new Query(version, addr(m, groupAt, alen), sources, maxResponse, (m[at] & 0x08) != 0, m[at] & 0x07,
                decode8(m[at + 1]));
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

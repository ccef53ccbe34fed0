package org.smcroute.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.smcroute.text.Atoi;

class AddrTest {

    @ParameterizedTest
    @CsvSource({
        "225.1.2.3, 225.1.2.3", "0.0.0.0, 0.0.0.0", "ff2e:0::42, ff2e::42", "::, ::", "::1, ::1",
        "fd00:0:0:1::2, fd00:0:0:1::2", "ff0e:0:0:0:0:0:0:1, ff0e::1", "1:0:0:2:0:0:0:3, 1:0:0:2::3",
        "::ffff:10.1.2.3, ::ffff:10.1.2.3", "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8", "1:0:2:3:4:5:6:7, 1:0:2:3:4:5:6:7",
        "FF02::1:FF00:1, ff02::1:ff00:1"
    })
    void formatsLikeInetNtop(String in, String out) {
        assertThat(Addr.parse(in).toString()).isEqualTo(out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "a.b.c.d", ":::", "1::2::3",
        "12345::", "1:2:3:4:5:6:7:8:9", "1:2", ":1::", "1::2:", "g::1", "/24", "1.2.3.4/24"})
    void rejectsMalformedText(String in) {
        assertThat(Addr.parse(in)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"225.1.2.3, 24, 225.1.2.77, true", "225.1.2.3, 24, 225.1.3.1, false", "ff0e::1, 64, ff0e::ffff, true",
        "ff0e::1, 121, ff0e::7f, true", "ff0e::1, 121, ff0e::80, false", "ff0e:1::, 16, ff0e:2::, true"})
    void coversMasksBothSides(String net, int len, String addr, boolean expected) {
        assertThat(Addr.parse(net).covers(len, Addr.parse(addr))).isEqualTo(expected);
    }

    /** The bitwise covers() must agree with comparing the masked addresses, for every length. */
    @org.junit.jupiter.api.Test
    void coversAgreesWithMasking() {
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            boolean v6 = r.nextBoolean();
            long hi = v6 ? r.nextLong() : 0;
            long lo = v6 ? r.nextLong() : r.nextLong() & 0xffffffffL;
            Addr a = new Addr(v6, hi, lo);
            // flip one random bit so that near misses at every length are tried
            int bit = r.nextInt(v6 ? 128 : 32);
            Addr b = v6 ? (bit < 64 ? new Addr(true, hi ^ (1L << bit), lo) : new Addr(true, hi, lo ^ (1L << (bit - 64))))
                    : new Addr(false, 0, lo ^ (1L << bit));
            Addr other = r.nextInt(4) > 0 ? b : new Addr(!v6, 0, lo & 0xffffffffL); // sometimes the other family
            for (int len = -1; len <= (v6 ? 129 : 33); len++) {
                boolean masked = a.v6() == other.v6() && a.mask(len).equals(other.mask(len));
                assertThat(a.covers(len, other)).as("%s /%d %s", a, len, other).isEqualTo(masked);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"224.0.0.1, true", "239.255.255.255, true", "223.255.255.255, false", "240.0.0.0, false",
        "ff02::1, true", "fe80::1, false"})
    void knowsMulticast(String a, boolean m) {
        assertThat(Addr.parse(a).isMulticast()).isEqualTo(m);
    }

    @ParameterizedTest
    @CsvSource({"12, 12", "' 7x', 7", "-3, -3", "abc, 0", "'', 0", "+5, 5", "99999999999, 2147483647"})
    void atoiReadsLikeC(String in, int out) {
        assertThat(Atoi.parse(in)).isEqualTo(out);
    }
}

package org.smcroute.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BytesTest {

    @Test
    void everyByteStringRoundTrips() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(24)];
            r.nextBytes(b);
            assertThat(Bytes.encode(Bytes.decode(b))).isEqualTo(b);
        }
    }

    @Test
    void validUtf8DecodesAsUsual() {
        String s = "eth0 \u00e9\u20ac\ud83d\ude00";
        assertThat(Bytes.decode(s.getBytes(StandardCharsets.UTF_8))).isEqualTo(s);
        assertThat(Bytes.encode(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void invalidSequencesKeepTheirBytes() {
        // overlong, a surrogate encoded in UTF-8, a truncated sequence, a stray continuation byte
        byte[][] cases = {{(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82},
            {(byte) 0x80, 'a'}, {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        for (byte[] b : cases) {
            String s = Bytes.decode(b);
            assertThat(s.chars()).allMatch(c -> c == 'a' || (c >= 0xdc80 && c <= 0xdcff));
            assertThat(Bytes.encode(s)).isEqualTo(b);
        }
    }
}

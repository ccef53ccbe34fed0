package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.smcroute.net.Addr;

/**
 * The MFC requests, built in a heap array for speed, read back field by field through the
 * structure layouts (Layouts), which is how the kernel's headers describe them. No root needed.
 */
class MfcCodecTest {

    private final Random random = new Random(7);
    private final ByteBuffer scratch = MfcCodec.scratch();

    @Test
    void mfcctlFieldsAreWhereTheLayoutPutsThem() {
        try (Arena a = Arena.ofConfined()) {
            for (int run = 0; run < 200; run++) {
                // a v6 request first leaves the shared scratch dirty beyond the v4 size
                MfcCodec.encodeMf6cctl(a.allocate(Layouts.MF6CCTL), scratch, v6(), v6(), 31, ttls());
                Addr s = Addr.ofIpv4(random.nextInt());
                Addr g = Addr.ofIpv4(0xe0000000 | random.nextInt(1 << 28));
                int parent = random.nextInt(32);
                byte[] ttls = ttls();
                MemorySegment m = MfcCodec.encodeMfcctl(a.allocate(Layouts.MFCCTL), scratch, s, g, parent, ttls);

                assertThat(m.get(Layouts.IN_ADDR, Layouts.offset(Layouts.MFCCTL, "mfcc_origin"))).isEqualTo(s.ipv4());
                assertThat(m.get(Layouts.IN_ADDR, Layouts.offset(Layouts.MFCCTL, "mfcc_mcastgrp"))).isEqualTo(g.ipv4());
                assertThat(m.get(JAVA_SHORT, Layouts.offset(Layouts.MFCCTL, "mfcc_parent"))).isEqualTo((short) parent);
                long t = Layouts.offset(Layouts.MFCCTL, "mfcc_ttls");
                assertThat(m.asSlice(t, 32).toArray(JAVA_BYTE)).isEqualTo(ttls);
                for (long at = t + 32; at < m.byteSize(); at++) {
                    assertThat(m.get(JAVA_BYTE, at)).as("byte %d", at).isZero();
                }
            }
        }
    }

    @Test
    void mf6cctlFieldsAreWhereTheLayoutPutsThem() {
        try (Arena a = Arena.ofConfined()) {
            for (int run = 0; run < 200; run++) {
                Addr s = v6();
                Addr g = v6();
                int parent = random.nextInt(32);
                byte[] ttls = ttls();
                MemorySegment m = MfcCodec.encodeMf6cctl(a.allocate(Layouts.MF6CCTL), scratch, s, g, parent, ttls);

                for (String field : new String[] {"mf6cc_origin", "mf6cc_mcastgrp"}) {
                    long at = Layouts.offset(Layouts.MF6CCTL, field);
                    Addr want = field.equals("mf6cc_origin") ? s : g;
                    assertThat(m.get(JAVA_SHORT, at)).isEqualTo((short) Abi.AF_INET6);
                    assertThat(m.get(JAVA_SHORT, at + 2)).as("port").isZero();
                    assertThat(m.get(JAVA_INT, at + 4)).as("flow info").isZero();
                    long addr = at + Layouts.offset(Layouts.SOCKADDR_IN6, "sin6_addr");
                    assertThat(m.asSlice(addr, 16).toArray(JAVA_BYTE)).isEqualTo(want.toBytes());
                    assertThat(m.get(JAVA_INT, at + 24)).as("scope").isZero();
                }
                assertThat(m.get(JAVA_SHORT, Layouts.offset(Layouts.MF6CCTL, "mf6cc_parent"))).isEqualTo((short) parent);
                long ifset = Layouts.offset(Layouts.MF6CCTL, "mf6cc_ifset");
                int bits = 0;
                for (int n = 0; n < 32; n++) {
                    bits |= ttls[n] != 0 ? 1 << n : 0;
                }
                assertThat(m.get(JAVA_INT, ifset)).isEqualTo(bits);
                for (int w = 1; w < 8; w++) {
                    assertThat(m.get(JAVA_INT, ifset + 4L * w)).isZero();
                }
            }
        }
    }

    @Test
    void socketAddressInAnyStructure() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(64);
            m.fill((byte) 0x55);
            Addr g = v6();
            Sockaddr.write(m, 8, g, 0);
            assertThat(m.get(JAVA_BYTE, 7)).isEqualTo((byte) 0x55);
            assertThat(m.get(JAVA_SHORT, 8)).isEqualTo((short) Abi.AF_INET6);
            assertThat(m.asSlice(16, 16).toArray(JAVA_BYTE)).isEqualTo(g.toBytes());
            assertThat(m.get(JAVA_BYTE, 8 + Layouts.SOCKADDR_IN6.byteSize())).isEqualTo((byte) 0x55);
        }
    }

    private Addr v6() {
        return new Addr(true, 0xff0e000000000000L | random.nextLong() >>> 16, random.nextLong());
    }

    private byte[] ttls() {
        byte[] t = new byte[32];
        for (int i = 0; i < t.length; i++) {
            t[i] = random.nextInt(3) == 0 ? (byte) (1 + random.nextInt(255)) : 0;
        }
        return t;
    }
}

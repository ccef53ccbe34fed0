package org.smcroute.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

class WireTest {

    private static byte[] example() {
        return HexFormat.ofDelimiter(" ").parseHex(
                "20 00 00 00 00 00 00 00 6a 00 02 00 00 00 00 00 65 74 68 30 00 32 32 35 2e 31 2e 32 2e 33 00 00");
    }

    private static byte[] header(long len, int cmd, int count) {
        return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                .putLong(len).putShort((short) cmd).putShort((short) count).putInt(0).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void encodesJoinByteForByte() {
        assertThat(ByteOrder.nativeOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(Wire.encode(new Request('j', List.of("eth0", "225.1.2.3")))).isEqualTo(example());
    }

    @Test
    void decodesJoinByteForByte() {
        Decoded d = Wire.decode(example(), 0, 32);
        assertThat(d).isEqualTo(new Decoded.Complete(new Request('j', List.of("eth0", "225.1.2.3")), 32));
    }

    @Test
    void encodesEmptyArgumentList() {
        byte[] b = Wire.encode(new Request('s', List.of()));
        assertThat(b).hasSize(17);
        assertThat(Wire.decode(b, 0, b.length)).isEqualTo(new Decoded.Complete(new Request('s', List.of()), 17));
    }

    @Test
    void decodeAtOffsetWithTrailingBytes() {
        byte[] buf = concat(new byte[] {9, 9, 9}, concat(example(), example()));
        Decoded d = Wire.decode(buf, 3, buf.length - 3);
        assertThat(d).isInstanceOf(Decoded.Complete.class);
        assertThat(((Decoded.Complete) d).consumed()).isEqualTo(32);
    }

    @Test
    void needsMoreBytesForEveryShortPrefix() {
        byte[] ex = example();
        for (int n = 0; n < ex.length; n++) {
            assertThat(Wire.decode(ex, 0, n)).as("prefix %d", n).isInstanceOf(Decoded.NeedMore.class);
        }
    }

    @Test
    void encodeLimits() {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < 35; i++) {
            args.add("x");
        }
        assertThat(Wire.encode(new Request('a', args))).hasSize(16 + 70 + 1);
        args.add("x");
        assertThatThrownBy(() -> Wire.encode(new Request('a', args))).hasMessage("Argument list too long");
        // 16 + 1007 + 1 = 1024 fits, one more byte does not
        assertThat(Wire.encode(new Request('a', List.of("y".repeat(1006))))).hasSize(1024);
        assertThatThrownBy(() -> Wire.encode(new Request('a', List.of("y".repeat(1007)))))
                .hasMessage("Message too long");
    }

    @Test
    void encodeCutsAtEmbeddedNul() {
        assertThat(Wire.encode(new Request('j', List.of("eth0\0junk", "225.1.2.3")))).isEqualTo(example());
    }

    @Test
    void lengthBelowHeaderIsBadMessage() {
        for (long len : new long[] {0, 1, 15}) {
            byte[] b = header(len, 'j', 0);
            assertThat(Wire.decode(b, 0, 8)).isEqualTo(new Decoded.Malformed(Wire.BAD_MESSAGE));
        }
    }

    @Test
    void lengthAboveLimitIsTooLarge() {
        for (long len : new long[] {1025, 1L << 40, -1L}) {
            assertThat(Wire.decode(header(len, 'j', 0), 0, 16))
                    .isEqualTo(new Decoded.Malformed("Too large IPC message, unsupported."));
        }
        byte[] max = new byte[1024];
        System.arraycopy(header(1024, 's', 0), 0, max, 0, 16);
        assertThat(Wire.decode(max, 0, 1024)).isInstanceOf(Decoded.Complete.class);
    }

    @Test
    void tooManyArgumentsIsInvalidArgument() {
        assertThat(Wire.decode(header(100, 'a', 36), 0, 16))
                .isEqualTo(new Decoded.Malformed("Failed to parse IPC message from client: Invalid argument"));
    }

    @Test
    void stringPastLengthIsBadMessage() {
        byte[] b = concat(header(20, 'j', 1), new byte[] {'e', 't', 'h', '0'});
        assertThat(Wire.decode(b, 0, b.length))
                .isEqualTo(new Decoded.Malformed("Failed to parse IPC message from client: Bad message"));
    }

    @Test
    void missingFinalNulIsBadMessage() {
        byte[] b = concat(header(21, 'j', 1), new byte[] {'e', 't', 'h', '0', 0});
        assertThat(Wire.decode(b, 0, b.length)).isEqualTo(new Decoded.Malformed(Wire.BAD_MESSAGE));
        byte[] c = concat(header(22, 'j', 1), new byte[] {'e', 't', 'h', '0', 0, 'x'});
        assertThat(Wire.decode(c, 0, c.length)).isEqualTo(new Decoded.Malformed(Wire.BAD_MESSAGE));
    }

    @Test
    void extraBytesInsideLengthAreIgnored() {
        byte[] b = concat(header(24, 'j', 1), new byte[] {'e', 't', 'h', '0', 0, 0, 'x', 'y'});
        assertThat(Wire.decode(b, 0, b.length))
                .isEqualTo(new Decoded.Complete(new Request('j', List.of("eth0")), 24));
    }

    @Test
    void unknownCommand() {
        byte[] b = concat(header(17, 'x', 0), new byte[] {0});
        assertThat(Wire.decode(b, 0, b.length))
                .isEqualTo(new Decoded.Malformed("Unknown or malformed IPC message 'x' from client."));
        byte[] wide = concat(header(17, 0x0173, 0), new byte[] {0});
        assertThat(Wire.decode(wide, 0, wide.length)).isInstanceOf(Decoded.Malformed.class);
    }

    @Test
    void everyKnownCommandDecodes() {
        for (char c : "arjlFHksSJ".toCharArray()) {
            byte[] b = Wire.encode(new Request(c, List.of()));
            assertThat(Wire.decode(b, 0, b.length)).isInstanceOf(Decoded.Complete.class);
        }
    }

    @Test
    void argumentChecks() {
        assertThat(malformedArgs(new Request('j', List.of("eth0")))).isEqualTo(Wire.malformed('j'));
        assertThat(malformedArgs(new Request('l', List.of()))).isEqualTo(Wire.malformed('l'));
        assertThat(malformedArgs(new Request('j', List.of("eth0", "225.1.2.3")))).isNull();
        assertThat(malformedArgs(new Request('a', List.of("eth0")))).isEqualTo(Wire.malformed('a'));
        assertThat(malformedArgs(new Request('r', List.of("eth0", "10.0.0.1"))))
                .isEqualTo("Unknown or malformed IPC message 'r' from client.");
        assertThat(malformedArgs(new Request('r', List.of("eth0", "10.0.0.1/24")))).isEqualTo(Wire.malformed('r'));
        assertThat(malformedArgs(new Request('a', List.of("eth0", "225.1.2.3")))).isNull();
        assertThat(malformedArgs(new Request('a', List.of("eth0", "10.0.0.1", "225.1.2.3")))).isNull();
        assertThat(malformedArgs(new Request('a', List.of("eth0", "bogus")))).isNull();
        assertThat(malformedArgs(new Request('k', List.of()))).isNull();
        assertThat(malformedArgs(new Request('s', List.of()))).isNull();
    }

    @Test
    void oifLimit() {
        List<String> asm = new ArrayList<>(List.of("eth0", "225.1.2.3"));
        List<String> ssm = new ArrayList<>(List.of("eth0", "10.0.0.1", "225.1.2.3"));
        for (int i = 0; i < 32; i++) {
            asm.add("o" + i);
            ssm.add("o" + i);
        }
        assertThat(malformedArgs(new Request('a', asm))).isNull();
        assertThat(malformedArgs(new Request('a', ssm))).isNull();
        asm.add("o32");
        ssm.add("o32");
        assertThat(malformedArgs(new Request('a', asm))).isEqualTo(Wire.malformed('a'));
        assertThat(malformedArgs(new Request('r', ssm))).isEqualTo(Wire.malformed('r'));
    }

    /** The malformed-request error a request's words get, or null when the request goes on to be executed. */
    private static String malformedArgs(Request r) {
        return Action.of(r) instanceof Action.Refused x && x.malformed() ? x.error() : null;
    }

    @Test
    void wordsAreSortedOnce() {
        assertThat(Action.of(new Request('a', List.of("eth0", "10.0.0.1/32", "225.1.2.3/24", "eth1", "eth2"))))
                .isEqualTo(new Action.Route(true, "eth0", "10.0.0.1/32", "225.1.2.3/24", List.of("eth1", "eth2")));
        assertThat(Action.of(new Request('r', List.of("eth0", "225.1.2.3"))))
                .isEqualTo(new Action.Route(false, "eth0", null, "225.1.2.3", List.of()));
        assertThat(Action.of(new Request('a', List.of("eth0", "bogus/8", "eth1"))))
                .isEqualTo(new Action.Refused("mroute: invalid source/group address: bogus", false));
        assertThat(Action.of(new Request('a', List.of("eth0", "10.0.0.1", "10.0.0.2/8"))))
                .isEqualTo(new Action.Refused("mroute: invalid multicast group: 10.0.0.2", false));
        assertThat(Action.of(new Request('j', List.of("eth0", "10.0.0.1", "225.1.2.3"))))
                .isEqualTo(new Action.Membership(true, "eth0", "10.0.0.1", "225.1.2.3"));
        assertThat(Action.of(new Request('l', List.of("eth0", "225.1.2.3", "x", "y"))))
                .isEqualTo(new Action.Membership(false, "eth0", null, "225.1.2.3"));
        assertThat(Action.of(new Request('J', List.of("groups")))).isEqualTo(new Action.Show('J', "groups"));
        assertThat(Action.of(new Request('F', List.of("ignored")))).isEqualTo(new Action.Control('F'));
    }
}

package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Upcall;
import org.smcroute.net.Addr;

/**
 * The byte layouts of the multicast routing socket: MFC requests written ({@code mfcctl},
 * {@code mf6cctl}) and upcalls read ({@code igmpmsg}, {@code mrt6msg}). Kept apart from
 * {@link LinuxRoutingSocket}'s system calls so the per-flow path is plain memory access.
 */
final class MfcCodec {

    private static final long MFC_GROUP = Layouts.offset(Layouts.MFCCTL, "mfcc_mcastgrp");
    private static final long MFC_PARENT = Layouts.offset(Layouts.MFCCTL, "mfcc_parent");
    private static final long MFC_TTLS = Layouts.offset(Layouts.MFCCTL, "mfcc_ttls");
    private static final long MF6C_GROUP = Layouts.offset(Layouts.MF6CCTL, "mf6cc_mcastgrp");
    private static final long MF6C_PARENT = Layouts.offset(Layouts.MF6CCTL, "mf6cc_parent");
    private static final long MF6C_IFSET = Layouts.offset(Layouts.MF6CCTL, "mf6cc_ifset");
    private static final long IM_TYPE = Layouts.offset(Layouts.IGMPMSG, "im_msgtype");
    private static final long IM_MBZ = Layouts.offset(Layouts.IGMPMSG, "im_mbz");
    private static final long IM_VIF = Layouts.offset(Layouts.IGMPMSG, "im_vif");
    private static final long IM_SRC = Layouts.offset(Layouts.IGMPMSG, "im_src");
    private static final long IM_DST = Layouts.offset(Layouts.IGMPMSG, "im_dst");
    private static final long IM6_MBZ = Layouts.offset(Layouts.MRT6MSG, "im6_mbz");
    private static final long IM6_TYPE = Layouts.offset(Layouts.MRT6MSG, "im6_msgtype");
    private static final long IM6_MIF = Layouts.offset(Layouts.MRT6MSG, "im6_mif");
    private static final long IM6_SRC = Layouts.offset(Layouts.MRT6MSG, "im6_src");
    private static final long IM6_DST = Layouts.offset(Layouts.MRT6MSG, "im6_dst");

    private MfcCodec() {
    }

    /** Bytes of an mfcctl and of an mf6cctl: the scratch buffer of the encoders holds either. */
    static final int MFCCTL_SIZE = (int) Layouts.MFCCTL.byteSize();
    static final int MF6CCTL_SIZE = (int) Layouts.MF6CCTL.byteSize();
    static final int SCRATCH_SIZE = Math.max(MFCCTL_SIZE, MF6CCTL_SIZE);

    /*
     * The MFC requests are put together in a heap buffer (native byte order) and copied into the
     * native segment in one go: field by field through MemorySegment.set, the compiler inlines
     * each accessor's method-handle tree, which costs compiler memory the JVM keeps for a while
     * and makes the compiled code walk that tree on every call (doc/benchmarks.md).
     */

    /** A heap buffer for the encoders, in the machine's byte order. */
    static ByteBuffer scratch() {
        return ByteBuffer.allocate(SCRATCH_SIZE).order(ByteOrder.nativeOrder());
    }

    /** Fills {@code m} (an mfcctl) for MRT_ADD_MFC / MRT_DEL_MFC, by way of {@code b}; returns it. */
    static MemorySegment encodeMfcctl(MemorySegment m, ByteBuffer b, Addr source, Addr group, int parent, byte[] ttls) {
        Arrays.fill(b.array(), 0, MFCCTL_SIZE, (byte) 0);
        b.put(0, source.toBytes());
        b.put((int) MFC_GROUP, group.toBytes());
        b.putShort((int) MFC_PARENT, (short) parent);
        b.put((int) MFC_TTLS, ttls, 0, Math.min(ttls.length, Abi.MAXVIFS));
        MemorySegment.copy(b.array(), 0, m, JAVA_BYTE, 0, MFCCTL_SIZE);
        return m;
    }

    /**
     * Fills {@code m} (an mf6cctl) for MRT6_ADD_MFC / MRT6_DEL_MFC, by way of {@code b}: a
     * non-zero TTL is an ifset bit. Returns {@code m}.
     */
    static MemorySegment encodeMf6cctl(MemorySegment m, ByteBuffer b, Addr source, Addr group, int parent, byte[] ttls) {
        Arrays.fill(b.array(), 0, MF6CCTL_SIZE, (byte) 0);
        Sockaddr.write(b, 0, source, 0);
        Sockaddr.write(b, (int) MF6C_GROUP, group, 0);
        b.putShort((int) MF6C_PARENT, (short) parent);
        for (int n = 0; n < Math.min(ttls.length, Abi.MAXMIFS); n++) {
            if (ttls[n] != 0) {
                int word = (int) MF6C_IFSET + 4 * (n / 32);
                b.putInt(word, b.getInt(word) | 1 << (n % 32));
            }
        }
        MemorySegment.copy(b.array(), 0, m, JAVA_BYTE, 0, MF6CCTL_SIZE);
        return m;
    }

    /** Accepts upcalls only: an igmpmsg has {@code im_mbz == 0} where real IGMP carries protocol 2. */
    static Upcall decode4(MemorySegment buf, long n) {
        if (n < Layouts.IGMPMSG.byteSize() || buf.get(JAVA_BYTE, IM_MBZ) != 0 || buf.get(JAVA_BYTE, IM_TYPE) == 0) {
            return null;
        }
        int type = buf.get(JAVA_BYTE, IM_TYPE) & 0xff;
        return new Upcall(Family.INET, kind4(type), type, buf.get(JAVA_BYTE, IM_VIF) & 0xff,
                Addr.ofIpv4(buf.get(Layouts.IN_ADDR, IM_SRC)), Addr.ofIpv4(buf.get(Layouts.IN_ADDR, IM_DST)));
    }

    /** Accepts upcalls only: an mrt6msg has ICMPv6 type 0, which no real ICMPv6 message uses. */
    static Upcall decode6(MemorySegment buf, long n) {
        if (n < Layouts.MRT6MSG.byteSize() || buf.get(JAVA_BYTE, IM6_MBZ) != 0 || buf.get(JAVA_BYTE, IM6_TYPE) == 0) {
            return null;
        }
        int type = buf.get(JAVA_BYTE, IM6_TYPE) & 0xff;
        return new Upcall(Family.INET6, kind6(type), type, buf.get(JAVA_SHORT, IM6_MIF) & 0xffff,
                Addr.fromBytes(buf.asSlice(IM6_SRC, 16).toArray(JAVA_BYTE)),
                Addr.fromBytes(buf.asSlice(IM6_DST, 16).toArray(JAVA_BYTE)));
    }

    private static Upcall.Kind kind4(int type) {
        return switch (type) {
            case Abi.IGMPMSG_NOCACHE -> Upcall.Kind.NOCACHE;
            case Abi.IGMPMSG_WRONGVIF -> Upcall.Kind.WRONGVIF;
            case Abi.IGMPMSG_WHOLEPKT, Abi.IGMPMSG_WRVIFWHOLE -> Upcall.Kind.WHOLEPKT;
            default -> Upcall.Kind.OTHER;
        };
    }

    private static Upcall.Kind kind6(int type) {
        return switch (type) {
            case Abi.MRT6MSG_NOCACHE -> Upcall.Kind.NOCACHE;
            case Abi.MRT6MSG_WRONGMIF -> Upcall.Kind.WRONGVIF;
            case Abi.MRT6MSG_WHOLEPKT -> Upcall.Kind.WHOLEPKT;
            default -> Upcall.Kind.OTHER;
        };
    }

    /** Writes a NOCACHE upcall of the family into {@code buf}, to run the decoder once at start-up. */
    static void primeUpcall(Family f, MemorySegment buf) {
        if (f.v6()) {
            buf.set(JAVA_BYTE, IM6_TYPE, (byte) Abi.MRT6MSG_NOCACHE);
        } else {
            buf.set(JAVA_BYTE, IM_TYPE, (byte) Abi.IGMPMSG_NOCACHE);
        }
    }
}

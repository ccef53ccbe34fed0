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
 * The byte layouts of the multicast routing socket (SPEC §16.4-16.5): MFC requests written
 * ({@code mfcctl}, {@code mf6cctl}) and upcalls read ({@code igmpmsg}, {@code mrt6msg}). Kept
 * apart from {@link LinuxKernel}'s system calls so the per-flow path is plain memory access.
 */
final class MfcCodec {

    private static final long MFC_GROUP = Layouts.offset(Layouts.MFCCTL, "mfcc_mcastgrp");
    private static final long MFC_PARENT = Layouts.offset(Layouts.MFCCTL, "mfcc_parent");
    private static final long MFC_TTLS = Layouts.offset(Layouts.MFCCTL, "mfcc_ttls");
    private static final long MF6C_GROUP = Layouts.offset(Layouts.MF6CCTL, "mf6cc_mcastgrp");
    private static final long MF6C_PARENT = Layouts.offset(Layouts.MF6CCTL, "mf6cc_parent");
    private static final long MF6C_IFSET = Layouts.offset(Layouts.MF6CCTL, "mf6cc_ifset");
    private static final long SIN6_ADDR = Layouts.offset(Layouts.SOCKADDR_IN6, "sin6_addr");
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
    private static final int SOCKADDR_IN6_SIZE = (int) Layouts.SOCKADDR_IN6.byteSize();

    /*
     * The MFC requests are put together in a heap buffer (native byte order) and copied into the
     * native segment in one go. Field by field through MemorySegment.set, C1 inlined each
     * accessor's method-handle tree: compiling encodeMf6cctl took 4 MiB of compiler arena
     * (encodeMfcctl 2.7 MiB), which HotSpot then keeps pooled for 5 s, and the compiled code went
     * through that tree on every call.
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
        sockaddrIn6(b, 0, source);
        sockaddrIn6(b, (int) MF6C_GROUP, group);
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

    /** A sockaddr_in6 with family and address at {@code at} of {@code m}; port, flow info and scope stay 0. */
    static void sockaddrIn6(MemorySegment m, long at, Addr addr) {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_IN6_SIZE).order(ByteOrder.nativeOrder());
        sockaddrIn6(b, 0, addr);
        MemorySegment.copy(b.array(), 0, m, JAVA_BYTE, at, SOCKADDR_IN6_SIZE);
    }

    private static void sockaddrIn6(ByteBuffer b, int at, Addr addr) {
        b.putShort(at, (short) Abi.AF_INET6);
        b.put(at + (int) SIN6_ADDR, addr.toBytes());
    }

    /** SPEC §16.4: an igmpmsg has {@code im_mbz == 0} where real IGMP carries protocol 2. */
    static Upcall decode4(MemorySegment buf, long n) {
        if (n < Layouts.IGMPMSG.byteSize() || buf.get(JAVA_BYTE, IM_MBZ) != 0 || buf.get(JAVA_BYTE, IM_TYPE) == 0) {
            return null;
        }
        return new Upcall(Family.INET, buf.get(JAVA_BYTE, IM_TYPE) & 0xff, buf.get(JAVA_BYTE, IM_VIF) & 0xff,
                Addr.ofIpv4(buf.get(Layouts.IN_ADDR, IM_SRC)), Addr.ofIpv4(buf.get(Layouts.IN_ADDR, IM_DST)));
    }

    /** SPEC §16.4: an mrt6msg has ICMPv6 type 0, which no real ICMPv6 message uses. */
    static Upcall decode6(MemorySegment buf, long n) {
        if (n < Layouts.MRT6MSG.byteSize() || buf.get(JAVA_BYTE, IM6_MBZ) != 0 || buf.get(JAVA_BYTE, IM6_TYPE) == 0) {
            return null;
        }
        return new Upcall(Family.INET6, buf.get(JAVA_BYTE, IM6_TYPE) & 0xff, buf.get(JAVA_SHORT, IM6_MIF) & 0xffff,
                Addr.fromBytes(buf.asSlice(IM6_SRC, 16).toArray(JAVA_BYTE)),
                Addr.fromBytes(buf.asSlice(IM6_DST, 16).toArray(JAVA_BYTE)));
    }

    /** Writes an igmpmsg's type (for {@link LinuxKernel}'s start-up priming of the upcall path). */
    static void setUpcallType4(MemorySegment buf, int type) {
        buf.set(JAVA_BYTE, IM_TYPE, (byte) type);
    }

    /** Writes an mrt6msg's type (for {@link LinuxKernel}'s start-up priming of the upcall path). */
    static void setUpcallType6(MemorySegment buf, int type) {
        buf.set(JAVA_BYTE, IM6_TYPE, (byte) type);
    }
}

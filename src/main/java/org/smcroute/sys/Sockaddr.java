package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.smcroute.net.Addr;

/**
 * Writes {@code sockaddr_in} and {@code sockaddr_in6}: family, address in network order, port
 * (0 unless a listener asks), and for IPv6 a scope (the interface index of a link-scope
 * destination). The one writer behind every socket address the daemon passes to the kernel.
 */
final class Sockaddr {

    private static final int SIN_ADDR = (int) Layouts.offset(Layouts.SOCKADDR_IN, "sin_addr");
    /** The port is at the same offset in both families. */
    private static final int PORT = (int) Layouts.offset(Layouts.SOCKADDR_IN, "sin_port");
    private static final int SIN6_ADDR = (int) Layouts.offset(Layouts.SOCKADDR_IN6, "sin6_addr");
    private static final int SIN6_SCOPE = (int) Layouts.offset(Layouts.SOCKADDR_IN6, "sin6_scope_id");
    static final int SIZE_IN = (int) Layouts.SOCKADDR_IN.byteSize();
    static final int SIZE_IN6 = (int) Layouts.SOCKADDR_IN6.byteSize();

    private Sockaddr() {
    }

    /** Bytes the socket address of {@code addr}'s family takes. */
    static int size(Addr addr) {
        return addr.v6() ? SIZE_IN6 : SIZE_IN;
    }

    /** Writes the socket address into {@code b} (native byte order) at {@code at}. */
    static void write(ByteBuffer b, int at, Addr addr, int scope) {
        b.putShort(at, (short) (addr.v6() ? Abi.AF_INET6 : Abi.AF_INET));
        b.put(at + (addr.v6() ? SIN6_ADDR : SIN_ADDR), addr.toBytes());
        if (addr.v6()) {
            b.putInt(at + SIN6_SCOPE, scope);
        }
    }

    /** Writes the socket address into native memory at {@code at}. */
    static void write(MemorySegment m, long at, Addr addr, int scope) {
        write(m, at, addr, scope, 0);
    }

    /** Writes the socket address with a port (host order given, network order written). */
    static void write(MemorySegment m, long at, Addr addr, int scope, int port) {
        ByteBuffer b = ByteBuffer.allocate(size(addr)).order(ByteOrder.nativeOrder());
        write(b, 0, addr, scope);
        b.order(ByteOrder.BIG_ENDIAN).putShort(PORT, (short) port);
        MemorySegment.copy(b.array(), 0, m, JAVA_BYTE, at, b.capacity());
    }
}

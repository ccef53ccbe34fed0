package org.smcroute.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** A bound AF_UNIX datagram socket standing in for /dev/log or systemd's notify socket. */
final class DgramReceiver implements AutoCloseable {

    private final int fd;
    private final MemorySegment buf = Arena.ofAuto().allocate(65536);

    /** Binds to a path, or an abstract name when {@code name} starts with '@'. */
    DgramReceiver(String name) {
        fd = LibC.socket(Abi.AF_UNIX, Abi.SOCK_DGRAM | Abi.SOCK_CLOEXEC, 0);
        assertThat(fd).isNotNegative();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sa = SdNotify.address(a, name);
            assertThat(LibC.bind(fd, sa, (int) sa.byteSize())).as("bind " + name).isZero();
        }
    }

    /** The next datagram's exact bytes, or null if none arrives within {@code timeoutMs}. */
    byte[] receive(int timeoutMs) throws Exception {
        short[] rev = new short[1];
        if (new Poller().poll(new int[] {fd}, new short[] {Poller.POLLIN}, rev, timeoutMs) == 0) {
            return null;
        }
        long n = LibC.recv(fd, buf, buf.byteSize(), Abi.MSG_DONTWAIT);
        assertThat(n).isNotNegative();
        return buf.asSlice(0, n).toArray(JAVA_BYTE);
    }

    String receiveString(int timeoutMs) throws Exception {
        byte[] b = receive(timeoutMs);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        LibC.close(fd);
    }
}

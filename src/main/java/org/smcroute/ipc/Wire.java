package org.smcroute.ipc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.smcroute.text.Bytes;


/**
 * The byte layout of an IPC request (SPEC §14.2), shared by the client (encode) and the daemon
 * (decode), because it must stay byte-compatible with the C programs in both directions: native
 * byte order, an 8-byte {@code size_t} length, u16 command, u16 count, 4 bytes of padding, then
 * NUL-terminated strings and one extra NUL. Strings travel as UTF-8 (invalid bytes decode to
 * U+FFFD); interface names and addresses are ASCII in practice.
 */
public final class Wire {

    public static final int HEADER = 16;
    /** Largest request, header included. */
    public static final int MAX_SIZE = 1024;
    /** Largest argument count. */
    public static final int MAX_ARGS = 35;
    /**
     * Every command code the daemon understands: the original's, then {@code M} (metrics),
     * {@code E} (event stream) and {@code D} (doctor).
     */
    public static final String COMMANDS = "arjlFHksSJMED";

    /**
     * Header flag, in the 4 padding bytes the original daemon ignores and the original client
     * sends as zero: the client reads a status reply. Such a reply starts with {@link #DONE} or
     * {@link #FAILED}, followed by message lines (warnings, or the error and its warnings), and
     * a reload is answered only when it has finished. Requests without it are answered exactly
     * as SPEC §14.4 says, so the original client sees no difference.
     */
    public static final int WANTS_STATUS = 1;
    public static final char DONE = '0';
    public static final char FAILED = '1';

    public static final String BAD_MESSAGE = "Failed to parse IPC message from client: Bad message";
    public static final String TOO_LARGE = "Too large IPC message, unsupported.";
    public static final String INVALID_ARGUMENT = "Failed to parse IPC message from client: Invalid argument";

    private Wire() {
    }

    /** {@code Unknown or malformed IPC message '<c>' from client.} */
    public static String malformed(char cmd) {
        return "Unknown or malformed IPC message '" + cmd + "' from client.";
    }

    /**
     * Builds the request bytes. An argument is cut at an embedded NUL, as C's {@code strlen}
     * would.
     *
     * @throws IllegalArgumentException when the request would exceed {@link #MAX_SIZE} bytes
     *         (message {@code Message too long}) or {@link #MAX_ARGS} arguments (message
     *         {@code Argument list too long}); the messages are strerror texts so the client can
     *         print {@code Failed constructing IPC command: <message>}
     */
    public static byte[] encode(Request r) {
        List<String> args = r.args();
        int n = args.size();
        if (n > MAX_ARGS) {
            throw new IllegalArgumentException("Argument list too long");
        }
        byte[][] words = new byte[n][];
        int len = HEADER + 1;
        for (int i = 0; i < n; i++) {
            String a = args.get(i);
            int nul = a.indexOf('\0');
            words[i] = Bytes.encode(nul < 0 ? a : a.substring(0, nul));
            len += words[i].length + 1;
            if (len > MAX_SIZE) {
                throw new IllegalArgumentException("Message too long");
            }
        }
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putLong(len).putShort((short) r.cmd()).putShort((short) n).putInt(r.flags());
        for (byte[] w : words) {
            b.put(w).put((byte) 0);
        }
        b.put((byte) 0);
        return b.array();
    }

    /**
     * Decodes the request at the start of {@code buf[off, off+len)}. Checks in the order of the
     * §14.6 table: length below 16, length above 1024, count above 35, strings and final NUL
     * inside the length, known command. Bytes after the request (a pipelined next request) are
     * left alone; the caller drops {@code consumed} bytes and may decode again.
     */
    public static Decoded decode(byte[] buf, int off, int len) {
        if (len < 8) {
            return Decoded.NEED_MORE;
        }
        ByteBuffer b = ByteBuffer.wrap(buf, off, len).slice().order(ByteOrder.nativeOrder());
        long total = b.getLong(0);
        if (Long.compareUnsigned(total, HEADER) < 0) {
            return new Decoded.Malformed(BAD_MESSAGE);
        }
        if (Long.compareUnsigned(total, MAX_SIZE) > 0) {
            return new Decoded.Malformed(TOO_LARGE);
        }
        if (len < HEADER) {
            return Decoded.NEED_MORE;
        }
        char cmd = (char) (b.getShort(8) & 0xff);
        int count = b.getShort(10) & 0xffff;
        if (count > MAX_ARGS) {
            return new Decoded.Malformed(INVALID_ARGUMENT);
        }
        int size = (int) total;
        if (len < size) {
            return Decoded.NEED_MORE;
        }
        List<String> args = new ArrayList<>(count);
        int p = off + HEADER;
        int end = off + size;
        for (int i = 0; i < count; i++) {
            int start = p;
            while (p < end && buf[p] != 0) {
                p++;
            }
            if (p >= end) {
                return new Decoded.Malformed(BAD_MESSAGE);
            }
            args.add(Bytes.decode(buf, start, p - start));
            p++;
        }
        if (p >= end || buf[p] != 0) {
            return new Decoded.Malformed(BAD_MESSAGE);
        }
        int rawCmd = b.getShort(8) & 0xffff;
        if (rawCmd > 0xff || COMMANDS.indexOf(cmd) < 0) {
            return new Decoded.Malformed(malformed(cmd));
        }
        return new Decoded.Complete(new Request(cmd, args, b.getInt(12)), size);
    }
}

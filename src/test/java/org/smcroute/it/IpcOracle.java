package org.smcroute.it;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.smcroute.net.Addr;

/**
 * What the daemon must do with a byte stream on one connection, written from the protocol's rules
 * alone (not from the daemon's decoder): the requests it executes, in order, and how the connection
 * ends: an error text and a close, or a close without a reply when the stream ends (the test
 * half-closes) with an incomplete request.
 */
final class IpcOracle {

    /** The original's command codes, then metrics, event stream and doctor. */
    static final String COMMANDS = "arjlFHksSJMED";
    static final String BAD = "Failed to parse IPC message from client: Bad message";
    static final String TOO_LARGE = "Too large IPC message, unsupported.";
    static final String INVALID = "Failed to parse IPC message from client: Invalid argument";

    /** One executed request: command and argument words, and where it starts in the stream. */
    record Executed(char cmd, List<String> args, int offset) {
    }

    /** Executed requests in order, then the error reply (null: closed without one). */
    record Verdict(List<Executed> executed, String error) {
    }

    private IpcOracle() {
    }

    static String malformed(int cmd) {
        return "Unknown or malformed IPC message '" + (char) (cmd & 0xff) + "' from client.";
    }

    /** Judges {@code s[0, end)}, the whole stream the client sends before half-closing. */
    static Verdict judge(byte[] s, int end) {
        List<Executed> done = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(s).order(ByteOrder.nativeOrder());
        int off = 0;
        while (true) {
            int avail = end - off;
            if (avail < 8) {
                return new Verdict(done, null);
            }
            long len = b.getLong(off);
            if (Long.compareUnsigned(len, 16) < 0) {
                return new Verdict(done, BAD);
            }
            if (Long.compareUnsigned(len, 1024) > 0) {
                return new Verdict(done, TOO_LARGE);
            }
            if (avail < 16) {
                return new Verdict(done, null);
            }
            int cmd = b.getShort(off + 8) & 0xffff;
            int count = b.getShort(off + 10) & 0xffff;
            if (count > 35) {
                return new Verdict(done, INVALID);
            }
            if (avail < len) {
                return new Verdict(done, null);
            }
            int stop = off + (int) len;
            int p = off + 16;
            List<String> args = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int start = p;
                while (p < stop && s[p] != 0) {
                    p++;
                }
                if (p >= stop) {
                    return new Verdict(done, BAD);
                }
                args.add(new String(s, start, p - start, StandardCharsets.UTF_8));
                p++;
            }
            if (p >= stop || s[p] != 0) {
                return new Verdict(done, BAD);
            }
            if (cmd > 0xff || COMMANDS.indexOf((char) cmd) < 0) {
                return new Verdict(done, malformed(cmd));
            }
            char c = (char) cmd;
            if (!argsOk(c, args)) {
                return new Verdict(done, malformed(cmd));
            }
            done.add(new Executed(c, args, off));
            off = stop;
        }
    }

    /** The per-command argument checks whose failure is "Unknown or malformed IPC message". */
    private static boolean argsOk(char c, List<String> a) {
        int n = a.size();
        return switch (c) {
            case 'j', 'l' -> n >= 2;
            case 'a', 'r' -> {
                if (n < 2) {
                    yield false;
                }
                String first = a.get(1);
                int slash = first.indexOf('/');
                Addr x = Addr.parse(slash < 0 ? first : first.substring(0, slash));
                boolean source = x != null && !x.isMulticast();
                yield (!source || n >= 3) && n - (source ? 3 : 2) <= 32;
            }
            default -> true;
        };
    }
}

package org.smcroute.text;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Text from and to the outside world (configuration files, interface names, IPC words, log and
 * reply output) as UTF-8 that keeps every byte: valid UTF-8 decodes as usual, and each byte that
 * is not part of valid UTF-8 becomes the lone surrogate U+DC80..U+DCFF, which encodes back to
 * that byte. So a name or a configuration line reaches messages, syslog and the client exactly
 * as written, whatever the locale and whether or not the file is UTF-8, the way the original
 * passes C strings through.
 */
public final class Bytes {

    private static final char ESCAPE = 0xDC00;

    private Bytes() {
    }

    public static String decode(byte[] b) {
        return decode(b, 0, b.length);
    }

    public static String decode(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end && b[i] >= 0) {
            i++;
        }
        if (i == end) {
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }
        StringBuilder sb = new StringBuilder(len);
        for (int k = off; k < i; k++) {
            sb.append((char) b[k]);
        }
        while (i < end) {
            int c = b[i] & 0xff;
            int n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
            int cp = valid(b, i, end, n);
            if (cp < 0) {
                sb.append((char) (ESCAPE | c));
                i++;
            } else {
                sb.appendCodePoint(cp);
                i += n;
            }
        }
        return sb.toString();
    }

    /** The code point of the {@code n}-byte sequence at {@code i}, or -1 when it is not valid UTF-8. */
    private static int valid(byte[] b, int i, int end, int n) {
        if (n == 0 || i + n > end) {
            return -1;
        }
        int c = b[i] & 0xff;
        if (n == 1) {
            return c;
        }
        int cp = c & (0x7f >> n);
        for (int k = 1; k < n; k++) {
            int x = b[i + k] & 0xff;
            if ((x & 0xc0) != 0x80) {
                return -1;
            }
            cp = cp << 6 | x & 0x3f;
        }
        boolean overlong = n == 3 ? cp < 0x800 : n == 4 && cp < 0x10000;
        if (overlong || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
            return -1;
        }
        return cp;
    }

    /** Writes {@code s} to {@code out} as {@link #encode} bytes and flushes. */
    public static void print(PrintStream out, String s) {
        byte[] b = encode(s);
        out.write(b, 0, b.length);
        out.flush();
    }

    public static byte[] encode(String s) {
        int n = s.length();
        boolean escaped = false;
        for (int i = 0; i < n && !escaped; i++) {
            char c = s.charAt(i);
            escaped = c >= (ESCAPE | 0x80) && c <= (ESCAPE | 0xff);
        }
        if (!escaped) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        StringBuilder run = new StringBuilder();
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 16);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean lone = c >= (ESCAPE | 0x80) && c <= (ESCAPE | 0xff) && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
            if (lone) {
                out.writeBytes(run.toString().getBytes(StandardCharsets.UTF_8));
                run.setLength(0);
                out.write(c & 0xff);
            } else {
                run.append(c);
            }
        }
        out.writeBytes(run.toString().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}

package org.smcroute.ctl;

import java.io.ByteArrayOutputStream;

/**
 * Turns a show reply into terminal output (SPEC §15.6). The daemon marks titles with a trailing
 * {@code _} and column headings with {@code =}; this class strips the marker and draws the
 * heading as ANSI (default), plain ASCII rules ({@code -p}) or not at all ({@code -t}). Works on
 * bytes so data lines reach stdout exactly as the daemon sent them.
 */
final class Renderer {

    enum Style { ANSI, PLAIN, NONE }

    /** Width of plain rules and the ANSI default when the terminal does not report one. */
    static final int DEFAULT_WIDTH = 79;

    private static final byte[] ESC_UNDERLINE = {27, '[', '4', 'm'};
    private static final byte[] ESC_REVERSE = {27, '[', '7', 'm'};
    private static final byte[] ESC_RESET = {27, '[', '0', 'm'};

    private final Style style;
    private final int width;

    /** @param width terminal width for ANSI headings (ignored by the other styles) */
    Renderer(Style style, int width) {
        this.style = style;
        this.width = width;
    }

    /**
     * Renders a show reply (trailing NUL already stripped). Non-empty replies get one empty
     * line after the last line [COMPAT]; an empty reply renders to nothing.
     */
    byte[] render(byte[] reply) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(reply.length + 512);
        int start = 0;
        int n = reply.length;
        while (start < n) {
            int end = start;
            while (end < n && reply[end] != '\n') {
                end++;
            }
            line(out, reply, start, end);
            start = end + 1;
        }
        if (n > 0) {
            out.write('\n');
        }
        return out.toByteArray();
    }

    private void line(ByteArrayOutputStream out, byte[] b, int from, int to) {
        byte last = to > from ? b[to - 1] : 0;
        if (last != '_' && last != '=') {
            out.write(b, from, to - from);
            out.write('\n');
            return;
        }
        if (style == Style.NONE) {
            return;
        }
        int len = to - 1 - from;
        boolean title = last == '_';
        if (style == Style.PLAIN) {
            int rule = Math.max(DEFAULT_WIDTH, len);
            byte mark = title ? (byte) '_' : (byte) '=';
            repeat(out, mark, rule);
            out.write('\n');
            out.write(b, from, len);
            out.write('\n');
            if (!title) {
                repeat(out, mark, rule);
                out.write('\n');
            }
            return;
        }
        if (title) {
            out.write(ESC_UNDERLINE, 0, ESC_UNDERLINE.length);
            repeat(out, (byte) ' ', width);
            out.write(ESC_RESET, 0, ESC_RESET.length);
            out.write('\n');
            out.write(b, from, len);
            out.write('\n');
        } else {
            out.write(ESC_REVERSE, 0, ESC_REVERSE.length);
            out.write(b, from, len);
            repeat(out, (byte) ' ', width - len);
            out.write(ESC_RESET, 0, ESC_RESET.length);
            out.write('\n');
        }
    }

    private static void repeat(ByteArrayOutputStream out, byte c, int count) {
        for (int i = 0; i < count; i++) {
            out.write(c);
        }
    }
}

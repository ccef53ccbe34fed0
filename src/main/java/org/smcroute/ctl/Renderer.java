package org.smcroute.ctl;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

/**
 * Turns a show reply into terminal output. The daemon marks titles with a trailing {@code _} and
 * column headings with {@code =}; this class strips the marker and draws the heading as ANSI
 * (default), plain ASCII rules ({@code -p}) or not at all ({@code -t}). Works on bytes so data
 * lines reach stdout exactly as the daemon sent them.
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
     * Renders a whole show reply (trailing NUL already stripped). Non-empty replies get one
     * empty line after the last line [COMPAT]; an empty reply renders to nothing.
     */
    byte[] render(byte[] reply) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(reply.length + 512);
        PrintStream ps = new PrintStream(out);
        Feed f = feed(ps);
        f.write(reply, 0, reply.length);
        f.finish();
        ps.flush();
        return out.toByteArray();
    }

    /** Renders a reply to {@code out} as it arrives: each line as soon as it is complete. */
    Feed feed(PrintStream out) {
        return new Feed(out);
    }

    /** One reply being rendered; see {@link #feed}. */
    final class Feed {
        private final PrintStream out;
        private final Buffer partial = new Buffer();
        private final Buffer line = new Buffer();
        private boolean any;

        Feed(PrintStream out) {
            this.out = out;
        }

        /** More of the reply (without its trailing NUL). */
        void write(byte[] b, int off, int len) {
            int end = off + len;
            int start = off;
            for (int i = off; i < end; i++) {
                if (b[i] == '\n') {
                    if (partial.size() > 0) {
                        partial.write(b, start, i - start);
                        emit(partial.bytes(), 0, partial.size());
                        partial.reset();
                    } else {
                        emit(b, start, i);
                    }
                    start = i + 1;
                }
            }
            partial.write(b, start, end - start);
            any |= len > 0;
        }

        /** The end of the reply: a last line without newline, and the [COMPAT] empty line. */
        void finish() {
            if (partial.size() > 0) {
                emit(partial.bytes(), 0, partial.size());
                partial.reset();
            }
            if (any) {
                out.write('\n');
            }
        }

        private void emit(byte[] b, int from, int to) {
            line.reset();
            line(line, b, from, to);
            out.write(line.bytes(), 0, line.size());
        }
    }

    /** A byte buffer whose contents are read in place, not copied per line. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(256);
        }

        byte[] bytes() {
            return buf;
        }
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

package org.smcroute.conf;

import java.io.IOException;
import java.io.InputStream;
import org.smcroute.text.Bytes;

/**
 * Splits a byte stream into physical lines with bounded memory: an over-long line is skipped as a
 * whole instead of being buffered, and a shared byte budget stops endless inputs such as
 * {@code /dev/zero}, so no input can exhaust memory or run forever.
 */
final class LineSource {

    /** Longest accepted line, in bytes, excluding the newline (C: 4096-byte fgets buffer). */
    static final int MAX_LINE = 4095;

    /** Bytes still allowed to be read in one configuration read, over all files. */
    static final class Budget {
        long bytes;

        Budget(long bytes) {
            this.bytes = bytes;
        }
    }

    private final InputStream in;
    private final Budget budget;
    private final byte[] buf = new byte[16384];
    private final byte[] line = new byte[MAX_LINE];
    private int pos;
    private int lim;
    private int len;
    private boolean tooLong;
    private boolean eof;

    LineSource(InputStream in, Budget budget) {
        this.in = in;
        this.budget = budget;
    }

    /**
     * Advances to the next physical line.
     *
     * @return false at end of input
     * @throws IOException on a read error, or "File too large" when the budget runs out
     */
    boolean next() throws IOException {
        len = 0;
        tooLong = false;
        boolean started = false;
        while (true) {
            if (pos == lim && !fill()) {
                return started;
            }
            int start = pos;
            while (pos < lim && buf[pos] != '\n') {
                pos++;
            }
            int chunk = pos - start;
            started |= chunk > 0;
            if (!tooLong) {
                if (len + chunk > MAX_LINE) {
                    tooLong = true;
                } else {
                    System.arraycopy(buf, start, line, len, chunk);
                    len += chunk;
                }
            }
            if (pos < lim) {
                pos++;
                return true;
            }
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (budget.bytes <= 0) {
            if (in.read() < 0) {
                eof = true;
                return false;
            }
            throw new IOException("File too large");
        }
        int n = in.read(buf, 0, (int) Math.min(buf.length, budget.bytes));
        if (n < 0) {
            eof = true;
            return false;
        }
        budget.bytes -= n;
        pos = 0;
        lim = n;
        return true;
    }

    /** True when the current line exceeded {@link #MAX_LINE} and its text was dropped. */
    boolean tooLong() {
        return tooLong;
    }

    /**
     * The current line's text. A NUL byte ends it, as it would for the C string functions (and
     * a NUL can never reach a file name). Decoded by {@link Bytes}, so nothing is lost or
     * rejected and messages quote the line's bytes as written.
     */
    String text() {
        int n = 0;
        while (n < len && line[n] != 0) {
            n++;
        }
        return Bytes.decode(line, 0, n);
    }
}

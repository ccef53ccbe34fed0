package org.smcroute.ctl;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A reply copied to stdout as it arrives instead of being gathered first: the metrics of 100k
 * routes, or the event stream, which ends only when the daemon closes it. The daemon ends a
 * complete reply with a NUL, which is not printed. A reply that does not start like the
 * expected output is an error text from the daemon (or from a daemon that does not know the
 * command), reported like any other.
 */
final class Streamed implements Connection.Sink {

    private final char first;
    private final PrintStream out;
    /** The reply so far when it is an error text; null while it is good output. */
    private ByteArrayOutputStream error;
    private boolean started;
    /** The last piece ended in the NUL that closes a complete reply. */
    private boolean ended;

    private Streamed(char first, PrintStream out) {
        this.first = first;
        this.out = out;
    }

    /**
     * Sends {@code request} and copies the reply to {@code out}, flushing each piece.
     *
     * @param first  the first byte of every good reply ('#' for metrics, '{' for events)
     * @param prefix what error messages start with ("smcroutectl: ", with the line in batch mode)
     * @param cut    what to print when the reply ends without its NUL
     * @return the exit status
     */
    static int copy(Path socket, boolean explicitPath, byte[] request, char first, String prefix, String cut,
            PrintStream out, PrintStream err) {
        Streamed s = new Streamed(first, out);
        long n = Connection.stream(socket, explicitPath, request, err, s);
        out.flush();
        if (n < 0) {
            return 1;
        }
        if (n == 0) {
            err.println(prefix + "Daemon closed connection without reply");
            return 1;
        }
        if (s.error != null) {
            byte[] text = s.error.toByteArray();
            int eol = 0;
            while (eol < text.length && text[eol] != '\n' && text[eol] != 0) {
                eol++;
            }
            err.print(prefix);
            err.write(text, 0, eol);
            err.println();
            return 1;
        }
        if (s.ended) {
            return 0;
        }
        err.println(prefix + cut);
        return 1;
    }

    @Override
    public void accept(byte[] b, int len) {
        if (!started) {
            started = true;
            if (b[0] != first) {
                error = new ByteArrayOutputStream();
            }
        }
        if (error != null) {
            error.write(b, 0, len);
            return;
        }
        ended = b[len - 1] == 0;
        out.write(b, 0, ended ? len - 1 : len);
        out.flush();
    }
}

package org.smcroute.daemon;

import org.smcroute.log.Log;
import org.smcroute.loop.Stream;
import org.smcroute.show.Pieces;
import org.smcroute.text.Bytes;

/**
 * A show reply in {@link Pieces} as a {@link Stream}: each piece is made when the client has
 * taken the one before, so the reply's memory stays bounded whatever the size of the table; a
 * piece that cannot be made ends the connection.
 */
final class PieceStream implements Stream {

    private final Pieces pieces;
    private final Log log;
    private boolean last;

    PieceStream(Pieces pieces, Log log) {
        this.pieces = pieces;
        this.log = log;
    }

    @Override
    public void open(Runnable wakeUp) {
    }

    @Override
    public byte[] next() {
        if (last) {
            return null;
        }
        StringBuilder sb = new StringBuilder(Pieces.SIZE + 256);
        try {
            last = !pieces.next(sb);
        } catch (RuntimeException e) {
            log.err("Internal error making a reply: " + e);
            return ABORT;
        }
        return Bytes.encode(sb.toString());
    }

    @Override
    public void close(boolean timedOut) {
    }
}

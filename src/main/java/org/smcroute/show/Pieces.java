package org.smcroute.show;

/**
 * A show reply made in pieces, each appended on the state thread when the client has taken the
 * one before: the reply's memory stays bounded whatever the size of the table, and other
 * clients and upcalls are served between pieces. The original streams its show output too.
 */
public interface Pieces {

    /** Characters per piece, roughly: a piece ends after the row that crosses it. */
    int SIZE = 64 * 1024;

    /** Appends the next piece to {@code into}; false when it was the last one. */
    boolean next(StringBuilder into);

    /** A reply that is one piece already. */
    static Pieces of(String text) {
        return into -> {
            into.append(text);
            return false;
        };
    }
}

package org.smcroute.text;

/** {@code printf} field padding for the table layouts the original prints; never truncates. */
public final class Pad {

    private Pad() {
    }

    /** {@code %-Ns}: left-justified, padded with spaces to {@code width}. */
    public static String left(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        StringBuilder b = new StringBuilder(width).append(s);
        while (b.length() < width) {
            b.append(' ');
        }
        return b.toString();
    }

    /** {@code %Ns}: right-justified. */
    public static String right(String s, int width) {
        if (s.length() >= width) {
            return s;
        }
        StringBuilder b = new StringBuilder(width);
        for (int i = s.length(); i < width; i++) {
            b.append(' ');
        }
        return b.append(s).toString();
    }
}

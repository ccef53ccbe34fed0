package org.smcroute.show;

/**
 * Show output as typed lines (SPEC §15.1, §15.6): titles end with the marker {@code _}, column
 * headings with {@code =}, and a data line that would end in either gets a trailing space so
 * no client mistakes it for a heading.
 */
public final class Lines {

    private final StringBuilder sb;

    public Lines() {
        this(1024);
    }

    /** {@code capacity}: expected characters, so a big table is not copied while it grows. */
    public Lines(int capacity) {
        sb = new StringBuilder(capacity);
    }

    public Lines title(String text) {
        sb.append(text).append("_\n");
        return this;
    }

    public Lines heading(String text) {
        sb.append(text).append("=\n");
        return this;
    }

    public Lines data(String text) {
        sb.append(text);
        if (!text.isEmpty()) {
            char last = text.charAt(text.length() - 1);
            if (last == '_' || last == '=') {
                sb.append(' ');
            }
        }
        sb.append('\n');
        return this;
    }

    public boolean isEmpty() {
        return sb.isEmpty();
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    /** {@code %-Ns}: left-justified, padded with spaces to width (never truncated). */
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

package org.smcroute.show;

/**
 * Show output as typed lines: titles end with the marker {@code _}, column headings with {@code =},
 * and a data line that would end in either gets a trailing space so no client mistakes it for a
 * heading.
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

    /** Lines appended to {@code into}, for a reply made in {@link Pieces}. */
    public Lines(StringBuilder into) {
        sb = into;
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

    @Override
    public String toString() {
        return sb.toString();
    }
}

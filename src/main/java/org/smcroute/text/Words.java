package org.smcroute.text;

import java.util.ArrayList;
import java.util.List;

/**
 * The one way this program splits a line into words, for configuration lines and batch lines alike:
 * words are runs of anything but C whitespace, and a word that begins with {@code #} ends the line.
 * There is no quoting and no escaping.
 */
public final class Words {

    private Words() {
    }

    /** C {@code isspace} in the C locale: space, \t, \n, \v, \f, \r. */
    public static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** The words of {@code line} up to a comment word. */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && isSpace(line.charAt(i))) {
                i++;
            }
            if (i == n || line.charAt(i) == '#') {
                return out;
            }
            int start = i;
            while (i < n && !isSpace(line.charAt(i))) {
                i++;
            }
            out.add(line.substring(start, i));
        }
    }
}

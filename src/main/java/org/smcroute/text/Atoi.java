package org.smcroute.text;

/**
 * C {@code atoi}, which the original reads its numbers with (SPEC §3.1, §6.7): optional
 * leading blanks and sign, then decimal digits up to the first non-digit; no digits gives 0.
 * Saturates instead of overflowing.
 */
public final class Atoi {

    private Atoi() {
    }

    public static int parse(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && Words.isSpace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = Math.min(v * 10 + (s.charAt(i) - '0'), 1L + Integer.MAX_VALUE);
            i++;
        }
        v = neg ? -v : v;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }
}

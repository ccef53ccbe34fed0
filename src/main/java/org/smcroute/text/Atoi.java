package org.smcroute.text;

/**
 * C {@code atoi}, which the original reads its numbers with: optional leading blanks and sign, then
 * decimal digits up to the first non-digit; no digits gives 0. Saturates instead of overflowing.
 */
public final class Atoi {

    private Atoi() {
    }

    /**
     * A whole decimal number and nothing else (an optional sign, then 1 to 18 digits), or null:
     * what options and values must be, where the original read them with atoi.
     */
    public static Long strict(String s) {
        int n = s.length();
        int i = n > 0 && (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
        if (i == n || n - i > 18) {
            return null;
        }
        long v = 0;
        for (int k = i; k < n; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return null;
            }
            v = v * 10 + (c - '0');
        }
        return s.charAt(0) == '-' ? -v : v;
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

package org.smcroute.conf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.smcroute.text.Words;

/**
 * Shell-glob expansion for {@code include}, written by hand because Java's glob {@code PathMatcher}
 * is not POSIX: it knows {@code {a,b}} and lacks {@code [!x]}. Behaves like glob(3) with default
 * flags: wildcards in any path component, backslash escapes, a leading '.' must be matched
 * explicitly, directory read errors mean "no match", results are sorted by byte order.
 */
final class Glob {

    /** Cap on the intermediate match list, so a pattern like {@code /*}{@code /*}{@code /*} stays bounded. */
    static final int MAX_MATCHES = 4096;

    private Glob() {
    }

    /**
     * Expands {@code pattern}; a relative pattern is taken relative to {@code baseDir} (empty:
     * the working directory, and results stay relative). Returns existing paths, sorted.
     */
    static List<String> expand(String pattern, String baseDir) {
        List<String> cur = new ArrayList<>();
        if (pattern.startsWith("/")) {
            cur.add("/");
        } else {
            cur.add(baseDir == null ? "" : baseDir);
        }
        String[] segs = pattern.split("/");
        List<String> parts = new ArrayList<>();
        for (String s : segs) {
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        for (int i = 0; i < parts.size() && !cur.isEmpty(); i++) {
            String seg = parts.get(i);
            boolean last = i == parts.size() - 1;
            List<String> next = new ArrayList<>();
            if (!hasMagic(seg)) {
                String lit = unescape(seg);
                for (String c : cur) {
                    next.add(join(c, lit));
                }
            } else {
                for (String c : cur) {
                    list(c, seg, last, next);
                    if (next.size() >= MAX_MATCHES) {
                        break;
                    }
                }
            }
            cur = next;
        }
        List<String> out = new ArrayList<>();
        for (String c : cur) {
            if (!c.isEmpty() && exists(c)) {
                out.add(c);
            }
        }
        out.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    private static void list(String dir, String seg, boolean last, List<String> out) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of(dir.isEmpty() ? "." : dir))) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (fnmatch(seg, name)) {
                    String full = join(dir, name);
                    if (last || Files.isDirectory(Path.of(full))) {
                        out.add(full);
                        if (out.size() >= MAX_MATCHES) {
                            return;
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // like glob(3) without GLOB_ERR: an unreadable directory just matches nothing
        }
    }

    private static boolean exists(String p) {
        try {
            return Files.exists(Path.of(p), LinkOption.NOFOLLOW_LINKS);
        } catch (InvalidPathException | SecurityException e) {
            return false;
        }
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() || dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    /** True when the segment holds an unescaped {@code *}, {@code ?} or a complete {@code [...]}. */
    static boolean hasMagic(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*' || c == '?' || (c == '[' && bracketEnd(s, i) > 0)) {
                return true;
            }
        }
        return false;
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                c = s.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /**
     * POSIX fnmatch for one path component, with the glob(3) leading-period rule: a name that
     * begins with '.' only matches a pattern that begins with a literal '.'.
     */
    static boolean fnmatch(String p, String s) {
        if (s.startsWith(".") && !(p.startsWith(".") || p.startsWith("\\."))) {
            return false;
        }
        int pi = 0;
        int si = 0;
        int starP = -1;
        int starS = -1;
        while (si < s.length()) {
            if (pi < p.length()) {
                char c = p.charAt(pi);
                char sc = s.charAt(si);
                if (c == '*') {
                    starP = ++pi;
                    starS = si;
                    continue;
                }
                if (c == '?') {
                    pi++;
                    si++;
                    continue;
                }
                int end = c == '[' ? bracketEnd(p, pi) : -1;
                if (end > 0) {
                    if (bracketMatch(p, pi, end, sc)) {
                        pi = end;
                        si++;
                        continue;
                    }
                } else {
                    int step = 1;
                    if (c == '\\' && pi + 1 < p.length()) {
                        c = p.charAt(pi + 1);
                        step = 2;
                    }
                    if (c == sc) {
                        pi += step;
                        si++;
                        continue;
                    }
                }
            }
            if (starP < 0) {
                return false;
            }
            pi = starP;
            si = ++starS;
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    /** Index just past the ']' closing the bracket expression at {@code i}, or -1 if unclosed. */
    static int bracketEnd(String p, int i) {
        int n = p.length();
        int j = i + 1;
        if (j < n && (p.charAt(j) == '!' || p.charAt(j) == '^')) {
            j++;
        }
        if (j < n && p.charAt(j) == ']') {
            j++;
        }
        while (j < n) {
            char c = p.charAt(j);
            if (c == '[' && j + 1 < n && p.charAt(j + 1) == ':') {
                int close = p.indexOf(":]", j + 2);
                if (close >= 0) {
                    j = close + 2;
                    continue;
                }
            }
            if (c == '\\' && j + 1 < n) {
                j += 2;
                continue;
            }
            if (c == ']') {
                return j + 1;
            }
            j++;
        }
        return -1;
    }

    private static boolean bracketMatch(String p, int i, int end, char c) {
        int j = i + 1;
        int stop = end - 1;
        boolean neg = p.charAt(j) == '!' || p.charAt(j) == '^';
        if (neg) {
            j++;
        }
        boolean hit = false;
        while (j < stop) {
            char lo = p.charAt(j);
            if (lo == '[' && j + 1 < stop && p.charAt(j + 1) == ':') {
                int close = p.indexOf(":]", j + 2);
                if (close >= 0 && close + 2 <= stop) {
                    hit |= inClass(p.substring(j + 2, close), c);
                    j = close + 2;
                    continue;
                }
            }
            if (lo == '\\' && j + 1 < stop) {
                lo = p.charAt(++j);
            }
            j++;
            if (j + 1 < stop && p.charAt(j) == '-') {
                char hi = p.charAt(j + 1);
                j += 2;
                if (hi == '\\' && j < stop) {
                    hi = p.charAt(j++);
                }
                hit |= c >= lo && c <= hi;
            } else {
                hit |= c == lo;
            }
        }
        return hit != neg;
    }

    private static boolean inClass(String name, char c) {
        return switch (name) {
            case "alpha" -> Character.isLetter(c) && c < 128;
            case "digit" -> c >= '0' && c <= '9';
            case "alnum" -> (c >= '0' && c <= '9') || (Character.isLetter(c) && c < 128);
            case "upper" -> c >= 'A' && c <= 'Z';
            case "lower" -> c >= 'a' && c <= 'z';
            case "xdigit" -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            case "space" -> Words.isSpace(c);
            case "blank" -> c == ' ' || c == '\t';
            case "punct" -> c > 32 && c < 127 && !Character.isLetterOrDigit(c);
            case "print" -> c >= 32 && c < 127;
            case "graph" -> c > 32 && c < 127;
            case "cntrl" -> c < 32 || c == 127;
            default -> false;
        };
    }
}

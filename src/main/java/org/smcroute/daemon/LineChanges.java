package org.smcroute.daemon;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smcroute.conf.Directive;
import org.smcroute.net.SourceGroup;

/**
 * Which lines of a reload differ from the last load, so that the routes they name reach the
 * kernel first instead of after every other line was compared. A load is remembered as two
 * 64-bit hashes per line (what it says, and which (S,G) route it is), 16 bytes a line whatever
 * the line; a hash collision can only cost the early push, never correctness, because the rest
 * of the reload reconciles every route anyway.
 */
final class LineChanges {

    /** The lines of one load: {@code content[i]} and {@code kind[i]} of its i-th directive. */
    record Prints(long[] content, long[] kind) {
        static final Prints NONE = new Prints(new long[0], new long[0]);
    }

    /** Kinds other than an (S,G) route's key, which is any other value: a join line. */
    private static final long GROUP = 0;
    /**
     * A line whose change can affect other lines' routes, so the file order is kept: interface
     * and proxy lines, and route lines that are not one (S,G) (templates, ranges, invalid ones).
     */
    private static final long ORDERED = 1;

    /** Changes above this many lines are applied in file order: they are not a quick edit. */
    static final int MAX_FIRST = 256;

    private LineChanges() {
    }

    /** Collects the prints of a load, line by line, without keeping the lines. */
    static final class Recorder {
        private long[] content = new long[64];
        private long[] kind = new long[64];
        private int n;

        void add(Directive d) {
            if (n == content.length) {
                content = Arrays.copyOf(content, 2 * n);
                kind = Arrays.copyOf(kind, 2 * n);
            }
            content[n] = content(d);
            kind[n++] = kind(d);
        }

        Prints prints() {
            return new Prints(Arrays.copyOf(content, n), Arrays.copyOf(kind, n));
        }
    }

    /**
     * Indexes (ascending) of the lines to apply before the others: every line naming an (S,G)
     * route that some added, changed or removed line names. Empty when the file order must be
     * kept: an interface line or a template changed (they affect other lines' routes), or the
     * change is too big to be worth it.
     */
    static int[] first(Prints before, Prints now) {
        Map<Long, Integer> left = new HashMap<>(before.content.length * 2);
        for (long c : before.content) {
            left.merge(c, 1, Integer::sum);
        }
        Set<Long> affected = new HashSet<>();
        for (int i = 0; i < now.content.length; i++) {
            Integer n = left.get(now.content[i]);
            if (n != null && n > 0) {
                left.put(now.content[i], n - 1);
            } else if (!note(now.kind[i], affected)) {
                return new int[0];
            }
        }
        for (int j = 0; j < before.content.length; j++) {
            Integer n = left.get(before.content[j]);
            if (n != null && n > 0) {
                left.put(before.content[j], n - 1);
                if (!note(before.kind[j], affected)) {
                    return new int[0];
                }
            }
        }
        int[] first = new int[Math.min(now.kind.length, MAX_FIRST + 1)];
        int k = 0;
        for (int i = 0; i < now.kind.length && k <= MAX_FIRST; i++) {
            if (affected.contains(now.kind[i])) {
                first[k++] = i;
            }
        }
        return k > MAX_FIRST ? new int[0] : Arrays.copyOf(first, k);
    }

    /** Records a changed line of {@code kind}; false when it forbids reordering. */
    private static boolean note(long kind, Set<Long> affected) {
        if (kind == ORDERED) {
            return false;
        }
        if (kind != GROUP) {
            affected.add(kind);
        }
        return true;
    }

    /** The (S,G) key's hash of a route line for exactly one (S,G), else its kind. */
    private static long kind(Directive d) {
        if (d instanceof Directive.Mgroup) {
            return GROUP;
        }
        if (!(d instanceof Directive.Mroute m)) {
            return ORDERED;
        }
        if (m.group() == null || !(SourceGroup.parse(m.source(), m.group()) instanceof SourceGroup.Valid v)
                || v.source() == null || !v.source().isFull() || !v.group().isFull()) {
            return ORDERED;
        }
        long h = Fnv.bytes(Fnv.bytes(Fnv.START, v.source().addr().toBytes()), v.group().addr().toBytes());
        return h == GROUP || h == ORDERED ? h + 2 : h;
    }

    /** What a line says, whatever its file and line number. */
    private static long content(Directive d) {
        if (d instanceof Directive.Mroute m) {
            long h = Fnv.text(Fnv.text(Fnv.text(Fnv.text(Fnv.START, "mroute"), m.from()), m.source()), m.group());
            return Fnv.text(Fnv.list(h, m.to()), m.ttl());
        }
        if (d instanceof Directive.Mgroup g) {
            long h = Fnv.text(Fnv.text(Fnv.text(Fnv.START, "mgroup"), g.from()), g.source());
            return Fnv.text(Fnv.text(h, g.group()), g.ttl());
        }
        if (d instanceof Directive.Mproxy x) {
            long h = Fnv.text(Fnv.text(Fnv.text(Fnv.START, "mproxy"), x.from()), x.group());
            return Fnv.text(Fnv.list(h, x.to()), x.ttl());
        }
        Directive.Phyint p = (Directive.Phyint) d;
        long h = Fnv.text(Fnv.text(Fnv.START, "phyint"), p.ifname());
        h = Fnv.text(h, p.enable() == null ? null : p.enable().toString());
        h = Fnv.text(Fnv.text(h, p.mrdisc() ? "mrdisc" : ""), p.ttl());
        Directive.Querier q = p.querier();
        h = Fnv.text(Fnv.text(Fnv.text(h, q.igmpVersion()), q.mldVersion()), q.queryInterval());
        return Fnv.text(Fnv.text(Fnv.text(h, q.queryResponseInterval()), q.robustness()), q.lastMemberQueryInterval());
    }

    /** 64-bit FNV-1a: cheap, and wide enough that 100k lines do not collide in practice. */
    private static final class Fnv {
        static final long START = 0xcbf29ce484222325L;
        private static final long PRIME = 0x100000001b3L;

        /** Hashes {@code s} with a terminator, so that ("ab","c") and ("a","bc") differ; null differs from "". */
        static long text(long h, String s) {
            if (s == null) {
                return (h ^ 0xff) * PRIME;
            }
            for (int i = 0; i < s.length(); i++) {
                h = (h ^ s.charAt(i)) * PRIME;
            }
            return (h ^ 0x100) * PRIME;
        }

        /** Hashes the words of a list and its end. */
        static long list(long h, List<String> words) {
            for (String w : words) {
                h = text(h, w);
            }
            return (h ^ 0x101) * PRIME;
        }

        static long bytes(long h, byte[] b) {
            for (byte x : b) {
                h = (h ^ (x & 0xff)) * PRIME;
            }
            return (h ^ 0x100) * PRIME;
        }
    }
}

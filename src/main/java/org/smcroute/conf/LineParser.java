package org.smcroute.conf;

import java.util.List;
import org.smcroute.kernel.Kernel;
import org.smcroute.text.Words;

/**
 * Turns the text of one line into what the reader must do with it. Pure and stateless, so every
 * lexical and keyword rule can be tested without files or a handler.
 */
final class LineParser {

    /** What a line asks for. Warning texts carry no {@code <file> line <n>: } prefix. */
    sealed interface Parsed {
    }

    /** Empty or comment-only line. */
    record Blank() implements Parsed {
    }

    /** A well-formed directive for the handler. */
    record Apply(Directive directive) implements Parsed {
    }

    /** {@code include PATTERN}. */
    record Include(String pattern) implements Parsed {
    }

    /** Invalid line: warn and carry on; the read stays successful. */
    record Invalid(String warning) implements Parsed {
    }

    /** Failing line: warn, and the read becomes unsuccessful. */
    record Failing(String warning) implements Parsed {
    }

    private static final Blank BLANK = new Blank();

    private LineParser() {
    }

    static Parsed parse(Origin origin, String text) {
        List<String> t = Words.split(text);
        if (t.isEmpty()) {
            return BLANK;
        }
        String cmd = t.get(0);
        if (cmd.startsWith("mgroup") || cmd.startsWith("ssmgroup")) {
            return group(origin, scan(t, 1, false));
        }
        if (cmd.startsWith("mroute")) {
            return route(origin, scan(t, 1, false));
        }
        if (cmd.startsWith("mproxy")) {
            return proxy(origin, scan(t, 1, false));
        }
        if (cmd.startsWith("phyint")) {
            if (t.size() < 2) {
                return new Invalid("phyint missing interface pattern");
            }
            Keywords k = scan(t, 2, true);
            Directive.Querier q = k.querier == null ? Directive.Querier.NONE : new Directive.Querier(k.querier[0],
                    k.querier[1], k.querier[2], k.querier[3], k.querier[4], k.querier[5]);
            return new Apply(new Directive.Phyint(origin, t.get(1), k.enable, k.mrdisc, k.ttl, q));
        }
        if (cmd.startsWith("include")) {
            return t.size() < 2 ? new Invalid("include missing file pattern") : new Include(t.get(1));
        }
        return new Invalid("Unknown command " + cmd + ", skipping.");
    }

    private static Parsed group(Origin origin, Keywords k) {
        if (k.from == null) {
            return new Failing("mgroup: missing 'from' interface");
        }
        if (k.group == null) {
            return new Failing("mgroup: missing 'group' address");
        }
        return new Apply(new Directive.Mgroup(origin, k.from, k.source, k.group, k.ttl));
    }

    private static Parsed route(Origin origin, Keywords k) {
        if (k.from == null) {
            return new Failing("mroute: missing 'from' interface");
        }
        if (k.group == null) {
            return new Failing("mroute: missing 'group' address");
        }
        if (k.to.size() > Kernel.MAX_VIFS) {
            return new Invalid("mroute: too many outbound interfaces (max " + Kernel.MAX_VIFS + ")");
        }
        return new Apply(new Directive.Mroute(origin, k.from, k.source, k.group, List.copyOf(k.to), k.ttl));
    }

    private static Parsed proxy(Origin origin, Keywords k) {
        if (k.from == null) {
            return new Failing("mproxy: missing 'from' interface");
        }
        if (k.to.isEmpty()) {
            return new Failing("mproxy: missing 'to' interface");
        }
        if (k.to.size() > Kernel.MAX_VIFS) {
            return new Invalid("mproxy: too many downstream interfaces (max " + Kernel.MAX_VIFS + ")");
        }
        return new Apply(new Directive.Mproxy(origin, k.from, k.group, List.copyOf(k.to), k.ttl));
    }

    /** The querier keywords of {@code phyint}, in the order of {@link Directive.Querier}'s fields. */
    private static final String[] QUERIER = {
        "igmp-version", "mld-version", "query-interval", "query-response-interval", "robustness",
        "last-member-query-interval"
    };

    /** Keyword values of one line; a later keyword overrides an earlier one. */
    private static final class Keywords {
        String from;
        String source;
        String group;
        List<String> to = List.of();
        Boolean enable;
        boolean mrdisc;
        String ttl;
        /** Querier values by {@link #QUERIER} index; null while none was given. */
        String[] querier;
    }

    /**
     * Scans tokens from {@code i} for keywords by prefix (a token matches a keyword it starts
     * with). Value keywords consume the next token whatever it is (null at end of line); {@code to}
     * consumes the rest; anything else is ignored. The querier keywords count on {@code phyint}
     * lines only, so route and group lines read exactly as the original reads them.
     */
    private static Keywords scan(List<String> t, int i, boolean phyint) {
        Keywords k = new Keywords();
        int n = t.size();
        while (i < n) {
            String w = t.get(i++);
            if (w.startsWith("from")) {
                k.from = i < n ? t.get(i++) : null;
            } else if (w.startsWith("source")) {
                k.source = i < n ? t.get(i++) : null;
            } else if (w.startsWith("group")) {
                k.group = i < n ? t.get(i++) : null;
            } else if (w.startsWith("to")) {
                k.to = t.subList(i, n);
                i = n;
            } else if (w.startsWith("enable")) {
                k.enable = Boolean.TRUE;
            } else if (w.startsWith("disable")) {
                k.enable = Boolean.FALSE;
            } else if (w.startsWith("mrdisc")) {
                k.mrdisc = true;
            } else if (w.startsWith("ttl-threshold")) {
                k.ttl = i < n ? t.get(i++) : null;
            } else if (phyint) {
                for (int q = 0; q < QUERIER.length; q++) {
                    if (w.startsWith(QUERIER[q])) {
                        if (k.querier == null) {
                            k.querier = new String[QUERIER.length];
                        }
                        // a keyword at the end of the line has an empty value, which is out of range
                        k.querier[q] = i < n ? t.get(i++) : "";
                        break;
                    }
                }
            }
        }
        return k;
    }
}

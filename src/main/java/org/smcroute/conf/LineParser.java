package org.smcroute.conf;

import java.util.List;
import org.smcroute.kernel.Kernel;
import org.smcroute.text.Words;

/**
 * Turns the text of one line into what the reader must do with it (SPEC §6.1, §6.2). Pure and
 * stateless, so every lexical and keyword rule can be tested without files or a handler.
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

    /** Failing line: warn, and the read becomes unsuccessful (SPEC §6.10). */
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
            return group(origin, scan(t, 1));
        }
        if (cmd.startsWith("mroute")) {
            return route(origin, scan(t, 1));
        }
        if (cmd.startsWith("phyint")) {
            if (t.size() < 2) {
                return new Invalid("phyint missing interface pattern");
            }
            Keywords k = scan(t, 2);
            return new Apply(new Directive.Phyint(origin, t.get(1), k.enable, k.mrdisc, k.ttl));
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

    /** Keyword values of one line; a later keyword overrides an earlier one. */
    private static final class Keywords {
        String from;
        String source;
        String group;
        List<String> to = List.of();
        Boolean enable;
        boolean mrdisc;
        String ttl;
    }

    /**
     * Scans tokens from {@code i} for keywords by prefix (SPEC §6.2). Value keywords consume the
     * next token whatever it is (null at end of line); {@code to} consumes the rest; anything
     * else is ignored.
     */
    private static Keywords scan(List<String> t, int i) {
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
            }
        }
        return k;
    }
}

package org.smcroute.daemon;

import org.smcroute.conf.Directive;
import org.smcroute.conf.DirectiveHandler;
import org.smcroute.group.Groups;
import org.smcroute.iface.Interfaces;
import org.smcroute.log.Log;
import org.smcroute.net.SourceGroup;
import org.smcroute.route.RouteEditor;

/**
 * {@code smcrouted -F FILE --syntax-only}: checks every line's grammar and values (addresses,
 * prefix lengths, thresholds, interface names, join ranges) with the messages a start would
 * log, but assumes every interface exists: a check that gives the same answer on any machine,
 * for a pipeline that checks configurations before they are deployed.
 */
final class SyntaxCheck implements DirectiveHandler {

    private final Log log;
    private final int rangeLimit;

    SyntaxCheck(Log log, int rangeLimit) {
        this.log = log;
        this.rangeLimit = rangeLimit;
    }

    /** Always true: a bad value is a warning (an error in verify mode), never a failing line. */
    @Override
    public boolean apply(Directive d) {
        String at = d.origin().prefix();
        if (d instanceof Directive.Mroute m) {
            name(at, "mroute", m.from());
            for (String o : m.to()) {
                name(at, "mroute", o);
            }
            ttl(at, "mroute", m.ttl());
            if (SourceGroup.parse(m.source(), m.group()) instanceof SourceGroup.Invalid bad) {
                log.warn(at + RouteEditor.describe(bad));
            }
        } else if (d instanceof Directive.Mgroup g) {
            name(at, "mgroup", g.from());
            ttl(at, "mgroup", g.ttl());
            SourceGroup.Result r = SourceGroup.parse(g.source(), g.group());
            if (r instanceof SourceGroup.Invalid bad) {
                log.warn(at + Groups.describe("join", bad));
            } else if (r instanceof SourceGroup.Valid v && Groups.expansion(1, v.source(), v.group()) > rangeLimit) {
                log.warn(at + "join: range expands to more than " + rangeLimit + " joins, skipping");
            }
        } else if (d instanceof Directive.Phyint p) {
            name(at, "phyint", p.ifname());
            if (p.ttl() != null && Directive.ttl(p.ttl()) < 0) {
                log.warn(at + "phyint " + p.ifname() + " ttl " + p.ttl() + " out of range (1-255)");
            }
        }
        return true;
    }

    /** An interface name or pattern that can never match: longer than IFNAMSIZ - 1. */
    private void name(String at, String kind, String pattern) {
        if (pattern.length() > Interfaces.MAX_NAME + (Interfaces.isWildcard(pattern) ? 1 : 0)) {
            log.warn(at + kind + ": interface name " + pattern + " is longer than " + Interfaces.MAX_NAME + " characters");
        }
    }

    private void ttl(String at, String kind, String ttl) {
        if (ttl != null && Directive.ttl(ttl) < 0) {
            log.warn(at + kind + ": ttl-threshold " + ttl + " out of range (1-255)");
        }
    }
}

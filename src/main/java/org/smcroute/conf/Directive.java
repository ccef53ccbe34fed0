package org.smcroute.conf;

import java.util.List;
import org.smcroute.text.Atoi;

/**
 * One parsed configuration line, with its values still as text: validation (addresses,
 * lengths, interfaces) belongs to the code that applies it, because IPC commands share it.
 */
public sealed interface Directive {

    Origin origin();

    /** A {@code ttl-threshold} value: a whole number 1 to 255, else -1. */
    static int ttl(String text) {
        Long v = Atoi.strict(text);
        return v == null || v < 1 || v > 255 ? -1 : v.intValue();
    }

    /**
     * {@code phyint IFNAME [enable|disable] [mrdisc] [ttl-threshold N] [QUERIER SETTINGS]}.
     * {@code enable} is null when neither keyword was given (the {@code -N} rule decides);
     * {@code ttl} is the raw token or null.
     */
    record Phyint(Origin origin, String ifname, Boolean enable, boolean mrdisc, String ttl, Querier querier)
            implements Directive {
        public Phyint(Origin origin, String ifname, Boolean enable, boolean mrdisc, String ttl) {
            this(origin, ifname, enable, mrdisc, ttl, Querier.NONE);
        }
    }

    /**
     * The querier keywords of a {@code phyint} line as raw tokens, null when absent:
     * {@code igmp-version}, {@code mld-version}, {@code query-interval},
     * {@code query-response-interval}, {@code robustness}, {@code last-member-query-interval}.
     */
    record Querier(String igmpVersion, String mldVersion, String queryInterval, String queryResponseInterval,
            String robustness, String lastMemberQueryInterval) {
        public static final Querier NONE = new Querier(null, null, null, null, null, null);
    }

    /**
     * {@code mproxy from UPSTREAM [group G[/LEN]] to DOWNSTREAM ...}; group null when absent.
     * {@code ttl} as for mroute.
     */
    record Mproxy(Origin origin, String from, String group, List<String> to, String ttl) implements Directive {
    }

    /**
     * {@code mroute from IIF [source S] group G [to OIF ...]}; source null when absent.
     * {@code ttl} is a {@code ttl-threshold} token, which only {@code phyint} lines use, or null.
     */
    record Mroute(Origin origin, String from, String source, String group, List<String> to, String ttl)
            implements Directive {
        public Mroute(Origin origin, String from, String source, String group, List<String> to) {
            this(origin, from, source, group, to, null);
        }
    }

    /** {@code mgroup|ssmgroup from IIF [source S] group G}; source and {@code ttl} as for mroute. */
    record Mgroup(Origin origin, String from, String source, String group, String ttl) implements Directive {
        public Mgroup(Origin origin, String from, String source, String group) {
            this(origin, from, source, group, null);
        }
    }
}

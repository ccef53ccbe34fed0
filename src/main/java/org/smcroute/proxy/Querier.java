package org.smcroute.proxy;

import org.smcroute.net.Addr;

/**
 * Querier election and General Queries on one link (RFC 3376 section 6.6.2, RFC 3810 section
 * 7.6.2): a router starts as querier and sends [Robustness] start-up queries a quarter of the
 * query interval apart, then one per interval; a query from a lower address makes it a
 * non-querier until the other querier has been silent for the Other Querier Present Interval.
 * While another router is querier, its announced robustness and query interval are used (RFC
 * 3376 sections 4.1.6 and 4.1.7).
 */
final class Querier extends Deadlines.Timed {

    /** What the election needs from its link. */
    interface Link {
        Timing timing();

        /** The address this router's queries leave from, null when it has none. */
        Addr self();

        void sendGeneralQuery();

        /** Querier or not changed, or the other querier did. */
        void querierChanged();
    }

    private final Link link;
    private Addr other;
    private long otherTimer;
    private long nextQuery;
    private int startupLeft;
    private int adoptedRobustness;
    private int adoptedInterval;
    private boolean stopped;

    Querier(Link link) {
        this.link = link;
    }

    boolean isQuerier() {
        return other == null;
    }

    /** The current querier: this router's own address or the other one's (null when unknown). */
    Addr querier() {
        return other != null ? other : link.self();
    }

    int adoptedRobustness() {
        return adoptedRobustness;
    }

    int adoptedInterval() {
        return adoptedInterval;
    }

    /** Starts as querier: the first start-up query goes out now. */
    void start(long now) {
        other = null;
        adoptedRobustness = 0;
        adoptedInterval = 0;
        startupLeft = link.timing().robustness();
        general(now);
    }

    private void general(long now) {
        link.sendGeneralQuery();
        Timing t = link.timing();
        nextQuery = now + (--startupLeft > 0 ? t.startupInterval() : t.queryInterval());
    }

    /**
     * A query from {@code from}: the lowest address is querier. A query from the unspecified
     * address (a snooping switch) does not take part; neither does one from an address above
     * the current querier's.
     */
    void heard(Addr from, int qrv, int qqi, long now) {
        if (from.isAny()) {
            return;
        }
        Addr self = link.self();
        if (from.equals(self)) {
            return;
        }
        Addr current = other != null ? other : self;
        if (current != null && from.compareTo(current) > 0) {
            return;
        }
        boolean changed = !from.equals(other);
        other = from;
        adoptedRobustness = qrv;
        adoptedInterval = qqi;
        otherTimer = now + link.timing().otherQuerierPresent();
        nextQuery = 0;
        startupLeft = 0;
        if (changed) {
            link.querierChanged();
        }
    }

    /** The link closed: no more queries, no more deadlines. */
    void stop() {
        stopped = true;
    }

    @Override
    long deadline() {
        return stopped ? 0 : other != null ? otherTimer : nextQuery;
    }

    /** The other querier went silent: take over; or send the General Query that is due. */
    @Override
    void fire(long now) {
        if (other != null) {
            other = null;
            adoptedRobustness = 0;
            adoptedInterval = 0;
            startupLeft = 0;
            general(now);
            link.querierChanged();
        } else {
            general(now);
        }
    }
}

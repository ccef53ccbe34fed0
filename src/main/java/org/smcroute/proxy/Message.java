package org.smcroute.proxy;

import java.util.List;
import org.smcroute.net.Addr;

/** A decoded IGMP or MLD message, or why a received packet is not one the querier acts on. */
sealed interface Message {

    /**
     * A membership query. {@code version} is the IGMP (1-3) or MLD (1-2) version its format
     * says; {@code group} is the unspecified address for a General Query; {@code maxResponse} in
     * milliseconds; {@code qrv} and {@code qqi} (seconds) are 0 when absent or unset.
     */
    record Query(int version, Addr group, List<Addr> sources, int maxResponse, boolean suppress, int qrv, int qqi)
            implements Message {
        boolean general() {
            return group.isAny();
        }
    }

    /**
     * A report in the records the router-side tables take. {@code version} is the protocol
     * version of the message; {@code leave} marks an IGMPv2 Leave or MLDv1 Done, which unlike a
     * report does not announce an older host.
     */
    record Report(int version, boolean leave, List<GroupRecord> records) implements Message {
    }

    /** A packet dropped before it could change anything, and why. */
    record Rejected(Drop why) implements Message {
    }

    /** Why a received packet was dropped; each reason has its own counter. */
    enum Drop {
        /** Shorter than its type, or than the records and sources it announces. */
        SHORT("short"),
        CHECKSUM("checksum"),
        /** TTL or hop limit other than 1. */
        HOP_LIMIT("hop-limit"),
        ROUTER_ALERT("no-router-alert"),
        /** An MLD message whose source is not link-local. */
        SOURCE("source"),
        /** A type the querier does not act on (mrdisc, DVMRP, a query of an unknown length). */
        IGNORED("ignored"),
        /** The interface's or the daemon's record budget was exhausted. */
        LIMIT("limit");

        private final String label;

        Drop(String label) {
            this.label = label;
        }

        /** The name in {@code show proxy}. */
        String label() {
            return label;
        }
    }
}

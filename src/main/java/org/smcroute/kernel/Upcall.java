package org.smcroute.kernel;

import org.smcroute.net.Addr;

/**
 * A decoded kernel upcall from a routing socket: what arrived (S,G) on which VIF/MIF and why.
 * {@code code} is the kernel's message type number, kept for log texts.
 */
public record Upcall(Family family, Kind kind, int code, int vif, Addr source, Addr group) {

    /** Why the kernel asked. */
    public enum Kind {
        /** First packet of an (S,G) without an MFC entry. */
        NOCACHE,
        /** A packet of an existing entry arrived on another VIF/MIF than its parent. */
        WRONGVIF,
        /** A whole packet handed up for PIM register encapsulation. */
        WHOLEPKT,
        /** A type this daemon does not handle. */
        OTHER
    }
}

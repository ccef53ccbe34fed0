package org.smcroute.event;

import org.smcroute.kernel.Family;
import org.smcroute.kernel.Upcall;
import org.smcroute.net.Addr;

/**
 * What the routing domain reports as it changes the kernel: MFC entries, interfaces, group
 * memberships and reloads. The domain calls it where each change happens and knows nothing of
 * who listens (the event stream of {@code smcroutectl monitor}); every method does nothing by
 * default, so a listener overrides what it needs and a new kind of event is a new method.
 *
 * <p>Called on the state thread, for MFC entries once per new flow, so the arguments are the
 * raw values the caller holds (VIF/MIF slots, not names) and a listener nobody is attached to
 * must return at once.
 */
public interface Events {

    /** Listens to nothing. */
    Events NONE = new Events() { };

    /** An MFC entry was added or changed; {@code oifs} is the slot mask as pushed. */
    default void routeAdded(Family f, Addr source, Addr group, int inbound, int oifs, boolean learned) {
    }

    /** An MFC entry was deleted; {@code oifs} as last pushed. */
    default void routeDeleted(Family f, Addr source, Addr group, int inbound, int oifs, boolean learned) {
    }

    /** An upcall of kind {@code cause} installed the entry (reported after its {@link #routeAdded}). */
    default void learned(Upcall.Kind cause, Family f, Addr source, Addr group, int inbound, int oifs) {
    }

    /** An interface appeared up, or came up (IFF_UP). */
    default void ifaceUp(String name, int ifindex) {
    }

    /** An interface went down or away. */
    default void ifaceDown(String name, int ifindex) {
    }

    default void reloadStarted() {
    }

    /** A reload ended; {@code ok}: the file was read and every line applied. */
    default void reloadDone(boolean ok) {
    }

    /** A kernel membership was joined; {@code source} null for any source. */
    default void joined(Family f, String ifname, Addr source, Addr group) {
    }

    /** A kernel membership was left. */
    default void left(Family f, String ifname, Addr source, Addr group) {
    }
}

package org.smcroute.route;

import org.smcroute.iface.Iface;
import org.smcroute.iface.Interfaces;
import org.smcroute.kernel.Family;

/**
 * The interface table's answers to what the routing tables ask about a VIF/MIF slot; kept out of
 * {@link Routes} so that the routing core knows slots, not interfaces.
 */
public final class IfaceSlots implements Routes.Slots {

    private final Interfaces ifaces;

    public IfaceSlots(Interfaces ifaces) {
        this.ifaces = ifaces;
    }

    @Override
    public int ttl(Family f, int slot) {
        Iface i = ifaces.bySlot(f, slot);
        return i == null ? 1 : i.threshold();
    }

    @Override
    public String name(Family f, int slot) {
        Iface i = ifaces.bySlot(f, slot);
        return i == null ? null : i.name();
    }

    @Override
    public boolean active(Family f, int slot) {
        Iface i = ifaces.bySlot(f, slot);
        return i != null && i.usable();
    }
}

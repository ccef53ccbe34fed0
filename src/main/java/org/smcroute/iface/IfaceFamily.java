package org.smcroute.iface;

import org.smcroute.kernel.Family;

/** One interface, by name, in one address family: the key of per-interface protocol state. */
public record IfaceFamily(String ifname, Family family) {

    // written out, not generated (start-up rule, see the README)
    @Override
    public boolean equals(Object o) {
        return o instanceof IfaceFamily k && ifname.equals(k.ifname) && family == k.family;
    }

    @Override
    public int hashCode() {
        return ifname.hashCode() * 31 + family.hashCode();
    }
}

package org.smcroute.route;

import org.smcroute.kernel.Family;
import org.smcroute.net.Addr;

/** The identity of an MFC entry: the kernel keys its cache on (S,G) per family and table. */
public record SgKey(Family family, Addr source, Addr group) {

    // written out, not generated (start-up rule, see the README)
    @Override
    public boolean equals(Object o) {
        return o instanceof SgKey k && family == k.family && source.equals(k.source) && group.equals(k.group);
    }

    @Override
    public int hashCode() {
        return (family.hashCode() * 31 + source.hashCode()) * 31 + group.hashCode();
    }
}

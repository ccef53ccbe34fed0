package org.smcroute.route;

import org.smcroute.kernel.Family;
import org.smcroute.net.Addr;

/** The identity of an MFC entry: the kernel keys its cache on (S,G) per family and table. */
public record SgKey(Family family, Addr source, Addr group) {
}

package org.smcroute.kernel;

/**
 * An IPv6 interface has no link-local address, so nothing can be sent from it to a link-scope
 * group; callers skip such an interface quietly until it gets one.
 */
public final class NoLinkLocalException extends KernelException {

    public NoLinkLocalException(String ifname) {
        super("link-local", Errno.EADDRNOTAVAIL, "no IPv6 link-local address on " + ifname);
    }
}

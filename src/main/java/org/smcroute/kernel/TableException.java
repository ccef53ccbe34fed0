package org.smcroute.kernel;

/** The kernel refused to switch a routing socket to another multicast routing table. */
public final class TableException extends KernelException {

    public TableException(String op, int errno, String reason) {
        super(op, errno, reason);
    }
}

package org.smcroute.kernel;

/**
 * A failed system call: the operation, its errno and the {@code strerror} text. Typed so the
 * domain can branch on errno (EADDRINUSE, ENOBUFS, ...) and quote the reason in messages.
 */
public class KernelException extends Exception {

    private final String op;
    private final int errno;
    private final String reason;

    public KernelException(String op, int errno, String reason) {
        super(op + ": " + reason, null, false, false);
        this.op = op;
        this.errno = errno;
        this.reason = reason;
    }

    /** The call that failed, e.g. {@code "MRT_INIT"} or {@code "socket"}. */
    public String op() {
        return op;
    }

    public int errno() {
        return errno;
    }

    /** The strerror text, e.g. "Address already in use". */
    public String reason() {
        return reason;
    }
}

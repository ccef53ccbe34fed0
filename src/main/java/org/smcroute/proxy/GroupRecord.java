package org.smcroute.proxy;

import java.util.List;
import org.smcroute.net.Addr;

/**
 * One group record of a membership report (RFC 3376 section 4.2.12, RFC 3810 section 5.2.12):
 * what a host says about its filter on {@code group}. Older reports and leaves are carried as the
 * record RFC 3376 section 7.3.2 and RFC 3810 section 8.3.2 translate them to.
 */
record GroupRecord(int type, Addr group, List<Addr> sources) {

    static final int IS_IN = 1;
    static final int IS_EX = 2;
    static final int TO_IN = 3;
    static final int TO_EX = 4;
    static final int ALLOW = 5;
    static final int BLOCK = 6;

    /** Current-state records answer queries; the others report a change. */
    boolean currentState() {
        return type == IS_IN || type == IS_EX;
    }

    /** The record names as the RFCs write them, for log texts. */
    String typeName() {
        return switch (type) {
            case IS_IN -> "IS_IN";
            case IS_EX -> "IS_EX";
            case TO_IN -> "TO_IN";
            case TO_EX -> "TO_EX";
            case ALLOW -> "ALLOW";
            case BLOCK -> "BLOCK";
            default -> "type " + type;
        };
    }
}

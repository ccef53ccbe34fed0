package org.smcroute.cli;

/**
 * Version and contact strings shared by {@code smcrouted -v} and {@code smcroutectl -v}, so both
 * programs print the identical block of SPEC §3.2.
 */
public final class Version {

    /** Keep in step with the pom's {@code <version>}; SMCRoute 2.6 behaviour, Java release 1. */
    public static final String VERSION = "2.6.0-java1";
    /**
     * This implementation has no public tracker yet, and its bugs must not go to the C
     * project's tracker: the address is the manual page's REPORTING BUGS section.
     */
    public static final String BUG_REPORT = "man:smcrouted(8)";
    /** The original program whose behaviour this one reproduces. */
    public static final String HOMEPAGE = "https://troglobit.com/projects/smcroute/";

    private Version() {
    }

    /** The §3.2 block, newline-terminated. */
    public static String text() {
        return "SMCRoute v" + VERSION + "\n\nBug report address: " + BUG_REPORT
                + "\nProject homepage:   " + HOMEPAGE + "\n";
    }
}

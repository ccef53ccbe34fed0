package org.smcroute.cli;

/**
 * Version and contact strings shared by {@code smcrouted -v} and {@code smcroutectl -v}, so both
 * programs print the identical block.
 */
public final class Version {

    /** Keep in step with the pom's {@code <version>}; SMCRoute 2.6 behaviour, Java release 1. */
    public static final String VERSION = "2.6.0-java1";
    /** This implementation has no website; the line says so rather than naming the C project's. */
    public static final String HOMEPAGE = "none (smcroute for Java, not the C SMCRoute project)";

    private Version() {
    }

    /**
     * Where bugs go: this project has no public tracker, so the address is its BUGS.md, in the
     * documentation directory the launcher names ({@code smcroute.docdir}), else the source tree.
     */
    public static String bugReport() {
        String dir = System.getProperty("smcroute.docdir");
        return dir == null || dir.isEmpty() ? "BUGS.md" : dir + "/BUGS.md";
    }

    /** The version line, a blank line, the bug report address and the homepage, newline-terminated. */
    public static String text() {
        return "SMCRoute v" + VERSION + "\n\nBug report address: " + bugReport()
                + "\nProject homepage:   " + HOMEPAGE + "\n";
    }
}

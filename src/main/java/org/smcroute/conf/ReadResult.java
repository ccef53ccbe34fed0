package org.smcroute.conf;

/**
 * Outcome of {@link ConfigReader#read}. The daemon needs to tell three cases apart because each
 * logs differently: a missing file (NOTICE), an open error (WARNING with the reason), and a file
 * that was read (possibly with failing or invalid lines).
 */
public sealed interface ReadResult {

    /** The file does not exist (nothing was applied). */
    record Missing() implements ReadResult {
    }

    /** The file exists but cannot be opened; {@code reason} is errno-style, e.g. "Permission denied". */
    record Unreadable(String reason) implements ReadResult {
    }

    /**
     * The file was read. {@code success} is false when a line failed; the caller then logs
     * {@code Parse error in <file>} once everything is applied. {@code warnings} counts every
     * WARNING the reader itself logged (invalid and failing lines, include problems), excluding
     * {@code Parse error}; warnings logged by the handler are not included. Verify mode treats any
     * warning as an error.
     */
    record Read(boolean success, int warnings) implements ReadResult {
    }

    /** True only for a successful read: the condition for running the reload script. */
    default boolean ok() {
        return this instanceof Read r && r.success();
    }
}

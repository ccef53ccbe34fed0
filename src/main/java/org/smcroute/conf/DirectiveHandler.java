package org.smcroute.conf;

/** Receives each directive of a configuration read, in file order (includes in place). */
@FunctionalInterface
public interface DirectiveHandler {

    /**
     * Applies one directive.
     *
     * @return false when the line *fails* (a missing {@code from} or {@code group}, an unusable
     *     inbound, a failed join), which makes the whole read unsuccessful; invalid-but-harmless
     *     lines return true after warning
     */
    boolean apply(Directive d);
}

package org.smcroute.conf;

/**
 * What applying one directive or command did: success (no error text), an invalid one that only
 * warns, or a failing one that makes a configuration read unsuccessful (SPEC §6.10). The error
 * text is what an IPC client gets back (§5.3).
 */
public record Outcome(String error, boolean failing) {

    public static final Outcome OK = new Outcome(null, false);

    public boolean ok() {
        return error == null;
    }

    /** An invalid directive: logged as a warning, the read stays successful. */
    public static Outcome invalid(String error) {
        return new Outcome(error, false);
    }

    /** A failing directive. */
    public static Outcome failing(String error) {
        return new Outcome(error, true);
    }
}

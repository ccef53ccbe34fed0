package org.smcroute.conf;

import java.util.List;

/**
 * What applying one directive or command did: success (no error text), an invalid one that only
 * warns, or a failing one that makes a configuration read unsuccessful. The error text is what an
 * IPC client gets back; {@code warnings} are the things worth telling the one who asked about a
 * request that did succeed (a route that waits for an interface, a possible loop), which a client
 * that asks for a status prints.
 */
public record Outcome(String error, boolean failing, List<String> warnings) {

    public static final Outcome OK = new Outcome(null, false, List.of());

    public boolean ok() {
        return error == null;
    }

    /** Success, with what the caller should know. */
    public static Outcome ok(List<String> warnings) {
        return warnings.isEmpty() ? OK : new Outcome(null, false, List.copyOf(warnings));
    }

    /** An invalid directive: logged as a warning, the read stays successful. */
    public static Outcome invalid(String error) {
        return new Outcome(error, false, List.of());
    }

    /** A failing directive. */
    public static Outcome failing(String error) {
        return new Outcome(error, true, List.of());
    }
}

package org.smcroute.kernel;

/** Address family of a routing API: each has its own socket, VIF/MIF table and MFC. */
public enum Family {
    INET("IPv4", "VIF"),
    INET6("IPv6", "MIF");

    private final String label;
    private final String vifName;

    Family(String label, String vifName) {
        this.label = label;
        this.vifName = vifName;
    }

    public static Family of(boolean v6) {
        return v6 ? INET6 : INET;
    }

    public boolean v6() {
        return this == INET6;
    }

    /** "IPv4" or "IPv6", as used in log texts. */
    public String label() {
        return label;
    }

    /** "VIF" or "MIF", as used in log texts. */
    public String vifName() {
        return vifName;
    }
}

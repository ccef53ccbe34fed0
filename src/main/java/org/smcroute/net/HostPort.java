package org.smcroute.net;

/**
 * A listening address written {@code ADDR:PORT} or {@code [ADDR6]:PORT}: a literal address (no
 * host names, so nothing is looked up) and a port 1-65535.
 */
public record HostPort(Addr addr, int port) {

    /** Parses the text, or returns null when it is not of that form. */
    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return null;
        }
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        }
        Addr a = Addr.parse(host);
        if (a == null || a.v6() != bracketed) {
            return null;
        }
        int p = 0;
        for (int i = 0; i < port.length(); i++) {
            char c = port.charAt(i);
            if (c < '0' || c > '9' || p > 65535) {
                return null;
            }
            p = p * 10 + (c - '0');
        }
        return p >= 1 && p <= 65535 ? new HostPort(a, p) : null;
    }

    @Override
    public String toString() {
        return (addr.v6() ? "[" + addr + "]" : addr.toString()) + ":" + port;
    }
}

package org.smcroute.daemon;

import org.smcroute.sys.Privileges;

/**
 * The account of {@code -p USER[:GROUP]}, resolved while options are parsed so a typo fails at once
 * instead of after the daemon went to the background.
 */
record Identity(String user, int uid, int gid, String error) {

    static Identity resolve(String arg) {
        int colon = arg.indexOf(':');
        String user = colon < 0 ? arg : arg.substring(0, colon);
        String group = colon < 0 ? null : arg.substring(colon + 1);
        Privileges.Account a = user.isEmpty() ? null : Privileges.user(user);
        if (a == null) {
            return new Identity(user, -1, -1, "unknown user " + user);
        }
        int gid = a.gid();
        if (group != null && !group.isEmpty()) {
            gid = Privileges.group(group);
            if (gid < 0) {
                return new Identity(user, -1, -1, "unknown group " + group);
            }
        }
        return new Identity(user, a.uid(), gid, null);
    }
}

package org.smcroute.ctl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.smcroute.json.Json;

/**
 * Renders the doctor's reply: one finding per line, level, code, message and fix separated
 * by tabs, as text ({@code warn: [rp-filter] MESSAGE; FIX}) or as JSON. The daemon runs the
 * checks; the client only decides how they look and the exit status (1 on any error).
 */
final class DoctorReport {

    private final List<String[]> findings;

    private DoctorReport(List<String[]> findings) {
        this.findings = findings;
    }

    /** The report in {@code reply} (without its NUL), or null when it is not one (an error text). */
    static DoctorReport parse(byte[] reply, int len) {
        List<String[]> found = new ArrayList<>();
        for (String line : new String(reply, 0, len, StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length != 4 || !(f[0].equals("ok") || f[0].equals("warn") || f[0].equals("error"))) {
                return null;
            }
            found.add(f);
        }
        return found.isEmpty() ? null : new DoctorReport(found);
    }

    boolean anyError() {
        for (String[] f : findings) {
            if (f[0].equals("error")) {
                return true;
            }
        }
        return false;
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        for (String[] f : findings) {
            sb.append(f[0]).append(": [").append(f[1]).append("] ").append(f[2]);
            if (!f[3].isEmpty()) {
                sb.append("; ").append(f[3]);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    String json() {
        Json j = new Json().begin().key("findings").beginArray();
        for (String[] f : findings) {
            j.begin().key("level").value(f[0]).key("code").value(f[1]).key("message").value(f[2])
                    .key("fix").value(f[3].isEmpty() ? null : f[3]).end();
        }
        return j.endArray().end().toString() + "\n";
    }
}

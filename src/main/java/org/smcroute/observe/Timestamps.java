package org.smcroute.observe;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** RFC 3339 timestamps in UTC with milliseconds, fixed width, as the event stream writes them. */
final class Timestamps {

    private Timestamps() {
    }

    /** {@code millis} since the Unix epoch as {@code 2026-01-31T23:59:58.123Z}. */
    static String utc(long millis) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000L),
                (int) Math.floorMod(millis, 1000L) * 1_000_000, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(24);
        pad(sb, t.getYear(), 4).append('-');
        pad(sb, t.getMonthValue(), 2).append('-');
        pad(sb, t.getDayOfMonth(), 2).append('T');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2).append('.');
        return pad(sb, t.getNano() / 1_000_000, 3).append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }
}

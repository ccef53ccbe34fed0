package org.smcroute.observe;

/**
 * The Prometheus text exposition format, version 0.0.4: HELP and TYPE lines per family, samples
 * with escaped label values, counters as unsigned integers. The names keep to the OpenMetrics
 * conventions (counters end in {@code _total}, units are spelled out), so they read the same in
 * either format. Only what the daemon's metrics need.
 */
final class Exposition {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private Exposition() {
    }

    /** The HELP and TYPE lines that open a family; {@code help} is plain text without newlines. */
    static void family(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** A sample without labels. */
    static void sample(StringBuilder sb, String name, long value) {
        sb.append(name).append(' ').append(Long.toUnsignedString(value)).append('\n');
    }

    /** Opens a sample with its first label: {@code name{label="value"}; close it with {@link #end}. */
    static StringBuilder start(StringBuilder sb, String name, String label, String value) {
        sb.append(name).append('{');
        return quoted(sb.append(label).append('='), value);
    }

    /** Another label of the open sample. */
    static StringBuilder label(StringBuilder sb, String label, String value) {
        return quoted(sb.append(',').append(label).append('='), value);
    }

    /** Closes the labels and writes the value. */
    static void end(StringBuilder sb, long value) {
        sb.append("} ").append(Long.toUnsignedString(value)).append('\n');
    }

    /** A label value: backslash, double quote and newline escaped. */
    private static StringBuilder quoted(StringBuilder sb, String v) {
        sb.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' || c == '"') {
                sb.append('\\').append(c);
            } else if (c == '\n') {
                sb.append("\\n");
            } else {
                sb.append(c);
            }
        }
        return sb.append('"');
    }
}

package org.smcroute.observe;

/**
 * One line of the doctor's report: a level, a code naming the check, what was found and, for a
 * warning or an error, how to fix it ({@code fix} empty for {@code ok}).
 */
public record Finding(String level, String code, String message, String fix) {

    public static final String OK = "ok";
    public static final String WARN = "warn";
    public static final String ERROR = "error";

    static Finding ok(String code, String message) {
        return new Finding(OK, code, message, "");
    }

    static Finding warn(String code, String message, String fix) {
        return new Finding(WARN, code, message, fix);
    }

    static Finding error(String code, String message, String fix) {
        return new Finding(ERROR, code, message, fix);
    }

    /**
     * The reply line: level, code, message and fix separated by tabs, which the client renders
     * as text or JSON. Tabs and newlines inside the texts become blanks.
     */
    String wire() {
        return level + '\t' + code + '\t' + flat(message) + '\t' + flat(fix) + '\n';
    }

    private static String flat(String s) {
        return s.replace('\t', ' ').replace('\n', ' ');
    }
}

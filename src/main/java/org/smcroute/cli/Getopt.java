package org.smcroute.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A small emulation of GNU {@code getopt_long(3)}, because both programs must accept exactly the
 * command lines the C originals accept (grouped flags, {@code -c10} and {@code -c 10}, options
 * after operands, {@code --}) and complain in the same words. Hand-rolled and free of lambdas so
 * the client's start-up path stays cheap: an option library costs more start-up time than the
 * whole client.
 *
 * <p>Usage: call {@link #next()} until it returns {@link #END}. It returns the option character,
 * {@link #LONG}{@code + i} for the i-th long option, or {@code '?'} on an error, in which case
 * {@link #error()} holds the getopt-style complaint (without newline; printing it is the
 * caller's business). Non-option arguments are collected in order and available from
 * {@link #operands()} once parsing is done. An option string starting with {@code +} stops at
 * the first operand (POSIX mode); a leading {@code :} is ignored. Long options take a required
 * argument ({@code --name VALUE} or {@code --name=VALUE}) and may be abbreviated to any unique
 * prefix, as in glibc.
 */
public final class Getopt {

    /** Returned by {@link #next()} when all options have been read. */
    public static final int END = -1;
    /** Base value returned for long options: {@code LONG + index}. */
    public static final int LONG = 0x10000;

    private final String prog;
    private final String optstring;
    private final String[] args;
    private final String[] longOpts;
    private final boolean[] longArg;
    private final boolean posix;
    private final List<String> operands = new ArrayList<>();

    private int index;
    /** Position inside a group of short options ({@code -ns}); 0 when not inside one. */
    private int charPos;
    private boolean done;
    private String optarg;
    private String error;

    /**
     * @param prog      program name used in complaints
     * @param optstring short options, a {@code :} after a letter means it takes an argument
     * @param args      the command line, without the program name
     * @param longOpts  long option names (without {@code --}); a name ending in {@code :} takes
     *                  an argument ({@code --name=value} or {@code --name value}), one without is a flag
     */
    public Getopt(String prog, String optstring, String[] args, String... longOpts) {
        this.prog = prog;
        this.posix = optstring.startsWith("+");
        String s = posix ? optstring.substring(1) : optstring;
        this.optstring = s.startsWith(":") ? s.substring(1) : s;
        this.args = args;
        this.longOpts = new String[longOpts.length];
        this.longArg = new boolean[longOpts.length];
        for (int i = 0; i < longOpts.length; i++) {
            longArg[i] = longOpts[i].endsWith(":");
            this.longOpts[i] = longArg[i] ? longOpts[i].substring(0, longOpts[i].length() - 1) : longOpts[i];
        }
    }

    /** The argument of the option last returned, or null. */
    public String optarg() {
        return optarg;
    }

    /** The complaint for the last {@code '?'} result. */
    public String error() {
        return error;
    }

    /** Non-option arguments in command-line order (complete only after {@link #END}). */
    public List<String> operands() {
        return operands;
    }

    /** Reads the next option; see the class comment for the return values. */
    public int next() {
        optarg = null;
        error = null;
        if (charPos > 0) {
            return shortOption();
        }
        while (!done && index < args.length) {
            String a = args[index];
            if (a.equals("--")) {
                index++;
                break;
            }
            if (a.length() >= 2 && a.charAt(0) == '-') {
                if (a.charAt(1) == '-') {
                    index++;
                    return longOption(a.substring(2));
                }
                charPos = 1;
                return shortOption();
            }
            if (posix) {
                break;
            }
            operands.add(a);
            index++;
        }
        done = true;
        while (index < args.length) {
            operands.add(args[index++]);
        }
        return END;
    }

    private int shortOption() {
        String a = args[index];
        char c = a.charAt(charPos++);
        boolean last = charPos >= a.length();
        int k = c == ':' ? -1 : optstring.indexOf(c);
        if (k < 0) {
            advanceIf(last);
            error = prog + ": invalid option -- '" + c + "'";
            return '?';
        }
        boolean takesArg = k + 1 < optstring.length() && optstring.charAt(k + 1) == ':';
        if (!takesArg) {
            advanceIf(last);
            return c;
        }
        int rest = charPos;
        charPos = 0;
        index++;
        if (!last) {
            optarg = a.substring(rest);
            return c;
        }
        if (index >= args.length) {
            error = prog + ": option requires an argument -- '" + c + "'";
            return '?';
        }
        optarg = args[index++];
        return c;
    }

    private void advanceIf(boolean last) {
        if (last) {
            charPos = 0;
            index++;
        }
    }

    private int longOption(String body) {
        int eq = body.indexOf('=');
        String name = eq < 0 ? body : body.substring(0, eq);
        int found = -1;
        int matches = 0;
        for (int i = 0; i < longOpts.length; i++) {
            if (longOpts[i].equals(name)) {
                found = i;
                matches = 1;
                break;
            }
            if (longOpts[i].startsWith(name)) {
                if (matches == 0) {
                    found = i;
                }
                matches++;
            }
        }
        if (matches == 0) {
            error = prog + ": unrecognized option '--" + body + "'";
            return '?';
        }
        if (matches > 1) {
            StringBuilder sb = new StringBuilder(prog).append(": option '--").append(name)
                    .append("' is ambiguous; possibilities:");
            for (String l : longOpts) {
                if (l.startsWith(name)) {
                    sb.append(" '--").append(l).append('\'');
                }
            }
            error = sb.toString();
            return '?';
        }
        if (!longArg[found]) {
            if (eq >= 0) {
                error = prog + ": option '--" + longOpts[found] + "' doesn't allow an argument";
                return '?';
            }
            optarg = null;
        } else if (eq >= 0) {
            optarg = body.substring(eq + 1);
        } else if (index < args.length) {
            optarg = args[index++];
        } else {
            error = prog + ": option '--" + longOpts[found] + "' requires an argument";
            return '?';
        }
        return LONG + found;
    }
}

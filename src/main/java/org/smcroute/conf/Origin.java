package org.smcroute.conf;

/**
 * Where a directive came from: a file line, or an IPC request. Messages about it carry
 * {@link #prefix()}: {@code "<file> line <n>: "} or {@code "ipc: "}.
 */
public record Origin(String file, int line) {

    public static final Origin IPC = new Origin(null, 0);

    public String prefix() {
        return file == null ? "" : file + " line " + line + ": ";
    }
}

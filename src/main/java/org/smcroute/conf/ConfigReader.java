package org.smcroute.conf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.smcroute.log.Log;

/**
 * Reads a configuration file and feeds its directives, includes in place, to a
 * {@link DirectiveHandler}. It only lexes and checks the line structure; values are validated by
 * the handler, which IPC commands share. Every input is survivable: nothing is thrown for bad
 * content, and size/include budgets keep hostile inputs from running forever.
 */
public final class ConfigReader {

    /** Nesting levels of {@code include} allowed below the main file. */
    public static final int MAX_DEPTH = 8;
    /** Include operations (expanded lines plus opened files) allowed per read. Own limit. */
    public static final int MAX_INCLUDES = 4096;
    /** Bytes read per read, over all files; more gives "File too large". Own limit. */
    public static final long MAX_BYTES = 64L << 20;

    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFSOCK = 0140000;

    private final Log log;

    public ConfigReader(Log log) {
        this.log = log;
    }

    /**
     * Reads {@code file} and its includes. Handler exceptions propagate (they are bugs); nothing
     * else is thrown.
     */
    public ReadResult read(Path file, DirectiveHandler handler) {
        BasicFileAttributes a;
        InputStream in;
        try {
            a = stat(file);
            in = open(file, a);
        } catch (NoSuchFileException e) {
            return new ReadResult.Missing();
        } catch (IOException e) {
            return new ReadResult.Unreadable(reason(e));
        }
        return read(file.toString(), identity(file, a), in, handler);
    }

    /**
     * Reads an already open main file named {@code name} (includes resolve against its
     * directory) and closes it. Package-private so tests can fuzz without touching the disk.
     */
    ReadResult.Read read(String name, InputStream in, DirectiveHandler handler) {
        Path p = Path.of(name);
        BasicFileAttributes a;
        try {
            a = stat(p);
        } catch (IOException e) {
            a = null;
        }
        return read(name, identity(p, a), in, handler);
    }

    private ReadResult.Read read(String name, Object id, InputStream in, DirectiveHandler handler) {
        Session s = new Session(handler);
        s.chain.push(id);
        s.parse(name, in, 0, "");
        return new ReadResult.Read(s.success, s.warnings);
    }

    /** stat(2), following symbolic links. */
    static BasicFileAttributes stat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class);
        } catch (RuntimeException e) {
            throw new IOException(String.valueOf(e.getMessage()), e);
        }
    }

    /**
     * Opens a file for reading, refusing what would block in open(2) (FIFOs, sockets) and
     * directories. Devices are allowed (think {@code /dev/null}); the byte budget bounds them.
     */
    static InputStream open(Path p, BasicFileAttributes a) throws IOException {
        if (a.isDirectory()) {
            throw new IOException("Is a directory");
        }
        if (a.isOther()) {
            int type = S_IFIFO;
            try {
                type = (Integer) Files.getAttribute(p, "unix:mode") & S_IFMT;
            } catch (IOException | RuntimeException e) {
                // unknown kind of file: be safe and refuse it below
            }
            if (type == S_IFIFO || type == S_IFSOCK) {
                throw new IOException("Not a regular file");
            }
        }
        try {
            return Files.newInputStream(p);
        } catch (RuntimeException e) {
            throw new IOException(String.valueOf(e.getMessage()), e);
        }
    }

    /** The errno-style text of an I/O error, as strerror would give it. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            String r = f.getReason();
            int cut = r.indexOf(" or unable to access attributes of symbolic link");
            return cut > 0 ? r.substring(0, cut) : r;
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * Identity for the recursion guard: device and inode when known (the same file as its
     * canonical path, without resolving every component), else the canonical path.
     */
    private static Object identity(Path p, BasicFileAttributes a) {
        Object key = a == null ? null : a.fileKey();
        if (key != null) {
            return key;
        }
        try {
            return p.toRealPath();
        } catch (IOException | RuntimeException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static String dirOf(String file) {
        Path parent = Path.of(file).getParent();
        return parent == null ? "" : parent.toString();
    }

    /** State of one read: the include chain, counters and budgets. */
    private final class Session {
        final DirectiveHandler handler;
        final Deque<Object> chain = new ArrayDeque<>();
        final LineSource.Budget budget = new LineSource.Budget(MAX_BYTES);
        int includesLeft = MAX_INCLUDES;
        boolean success = true;
        int warnings;

        Session(DirectiveHandler handler) {
            this.handler = handler;
        }

        void warn(String msg) {
            warnings++;
            log.warn(msg);
        }

        /** Parses one open file; {@code errPrefix} is the include line's prefix for read errors. */
        void parse(String name, InputStream in, int depth, String errPrefix) {
            try (in) {
                LineSource src = new LineSource(in, budget);
                int n = 0;
                while (src.next()) {
                    n++;
                    Origin o = new Origin(name, n);
                    if (src.tooLong()) {
                        warn(o.prefix() + "line too long, max " + LineSource.MAX_LINE + " characters, skipping");
                    } else {
                        line(o, src.text(), depth);
                    }
                }
            } catch (IOException e) {
                warn(errPrefix + "Failed reading " + name + ": " + reason(e));
            }
        }

        private void line(Origin o, String text, int depth) {
            String shown = text.stripTrailing();
            if (!shown.isEmpty() && log.enabled(Log.DEBUG)) {
                log.debug(o.prefix() + shown);
            }
            // instanceof, not a pattern switch, whose bootstrap costs a millisecond on first use
            LineParser.Parsed p = LineParser.parse(o, text);
            if (p instanceof LineParser.Apply a) {
                if (!handler.apply(a.directive())) {
                    success = false;
                }
            } else if (p instanceof LineParser.Include i) {
                include(o, i.pattern(), depth);
            } else if (p instanceof LineParser.Invalid v) {
                warn(o.prefix() + v.warning());
            } else if (p instanceof LineParser.Failing f) {
                warn(o.prefix() + f.warning());
                success = false;
            }
        }

        private void include(Origin o, String pattern, int depth) {
            if (depth >= MAX_DEPTH) {
                warn(o.prefix() + "include " + pattern + ": nesting too deep (max " + MAX_DEPTH + "), skipping");
                return;
            }
            if (--includesLeft < 0) {
                warn(o.prefix() + "include " + pattern + ": too many includes (max " + MAX_INCLUDES + "), skipping");
                return;
            }
            List<String> files = Glob.expand(pattern, dirOf(o.file()));
            for (String f : files) {
                if (--includesLeft < 0) {
                    warn(o.prefix() + "include " + f + ": too many includes (max " + MAX_INCLUDES + "), skipping");
                    continue;
                }
                Path p = Path.of(f);
                BasicFileAttributes a;
                Object id;
                InputStream in;
                try {
                    a = stat(p);
                    id = identity(p, a);
                    if (chain.contains(id)) {
                        warn(o.prefix() + "include " + f + ": recursive include, skipping");
                        continue;
                    }
                    in = open(p, a);
                } catch (IOException e) {
                    warn(o.prefix() + "Failed reading " + f + ": " + reason(e));
                    continue;
                }
                chain.push(id);
                try {
                    parse(f, in, depth + 1, o.prefix());
                } finally {
                    chain.pop();
                }
            }
        }
    }
}

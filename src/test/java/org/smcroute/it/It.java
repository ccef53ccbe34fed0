package org.smcroute.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small helpers shared by the daemon-level integration tests: polling for a condition, the router's
 * interface table, expected show output built field by field, and a raw IPC client that speaks the
 * wire format byte by byte.
 */
final class It {

    static final Duration WAIT = Duration.ofSeconds(10);

    private It() {
    }

    /** Polls every 50 ms until {@code cond} holds; fails with {@code what()} after {@code timeout}. */
    static void await(Duration timeout, Supplier<String> what, BooleanSupplier cond) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + ": " + what.get());
            }
            Mcast.sleep(50);
        }
    }

    static void await(Supplier<String> what, BooleanSupplier cond) {
        await(WAIT, what, cond);
    }

    /**
     * Runs {@code task} on a thread of its own (the common pool has a single worker on two
     * cores, so two background senders there would run one after the other).
     */
    static CompletableFuture<Void> background(Runnable task) {
        return CompletableFuture.runAsync(task, r -> Thread.ofPlatform().daemon().start(r));
    }

    /** Number of times {@code needle} occurs in {@code text}. */
    static int occurrences(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    // ---------------------------------------------------------------- interfaces

    /** One interface of a namespace: ifindex and name. */
    record Link(int index, String name) {
    }

    private static final Pattern IP_LINK = Pattern.compile("^(\\d+): ([^:@ ]+)[@:]");

    /** All interfaces of {@code ns}, in ifindex order (the order getifaddrs lists them). */
    static List<Link> links(Netns ns) {
        List<Link> links = new ArrayList<>();
        for (String line : ns.exec("ip", "-o", "link", "show").ok().out().split("\n")) {
            Matcher m = IP_LINK.matcher(line);
            if (m.find()) {
                links.add(new Link(Integer.parseInt(m.group(1)), m.group(2)));
            }
        }
        links.sort(Comparator.comparingInt(Link::index));
        return links;
    }

    static int ifindex(Netns ns, String name) {
        return links(ns).stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + ns)).index();
    }

    /** The show column width W: the longest interface name, at least {@code min}. */
    static int width(Netns ns, int min) {
        return Math.max(min, links(ns).stream().mapToInt(l -> l.name().length()).max().orElse(0));
    }

    // ---------------------------------------------------------------- show rendering

    /** A show reply as the daemon sends it: typed lines with the wire markers. */
    static final class Wire {
        private final List<String> lines = new ArrayList<>();

        Wire title(String t) {
            lines.add(t + "_");
            return this;
        }

        Wire heading(String h) {
            lines.add(h + "=");
            return this;
        }

        Wire data(String d) {
            lines.add(d);
            return this;
        }

        /** {@code smcroutectl -p}: rules of max(79, len) characters, then one empty line. */
        String plain() {
            StringBuilder b = new StringBuilder();
            for (String l : lines) {
                if (l.endsWith("_")) {
                    String t = l.substring(0, l.length() - 1);
                    b.append("_".repeat(Math.max(79, t.length()))).append('\n').append(t).append('\n');
                } else if (l.endsWith("=")) {
                    String h = l.substring(0, l.length() - 1);
                    String rule = "=".repeat(Math.max(79, h.length()));
                    b.append(rule).append('\n').append(h).append('\n').append(rule).append('\n');
                } else {
                    b.append(l).append('\n');
                }
            }
            return lines.isEmpty() ? "" : b.append('\n').toString();
        }

        /** {@code smcroutectl -t}: headings dropped. */
        String terse() {
            StringBuilder b = new StringBuilder();
            for (String l : lines) {
                if (!l.endsWith("_") && !l.endsWith("=")) {
                    b.append(l).append('\n');
                }
            }
            return lines.isEmpty() ? "" : b.append('\n').toString();
        }
    }

    /** {@code printf("%-Ns", s)}. */
    static String left(String s, int n) {
        return s.length() >= n ? s : s + " ".repeat(n - s.length());
    }

    /** {@code printf("%Ns", s)}. */
    static String right(String s, int n) {
        return s.length() >= n ? s : " ".repeat(n - s.length()) + s;
    }

    /** Route column heading (brief). */
    static String routeHeading(int w) {
        return left("ROUTE (S,G)", 42) + " " + left("IIF", w) + "  OIFS";
    }

    /** Route column heading (detail). */
    static String routeHeadingDetail(int w) {
        return left("ROUTE (S,G)", 42) + " " + left("IIF", w) + " " + right("PACKETS", 10) + " "
                + right("BYTES", 10) + "  OIFS";
    }

    /** A brief route row. */
    static String routeRow(int w, String sg, String iif, String... oifs) {
        StringBuilder b = new StringBuilder(left(sg, 42)).append(' ').append(left(iif, w)).append(' ');
        for (String o : oifs) {
            b.append(' ').append(o);
        }
        return b.toString();
    }

    /** A detail route row. */
    static String routeRowDetail(int w, String sg, String iif, long pkts, long bytes, String... oifs) {
        StringBuilder b = new StringBuilder(left(sg, 42)).append(' ').append(left(iif, w)).append(' ')
                .append(right(Long.toString(pkts), 10)).append(' ').append(right(Long.toString(bytes), 10)).append(' ');
        for (String o : oifs) {
            b.append(' ').append(o);
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- raw IPC

    /**
     * A request in the wire layout (8-byte length, u16 command, u16 count, 4 padding bytes, native
     * byte order), with a header whose fields the caller may falsify.
     */
    static byte[] request(long len, int cmd, int count, byte[] strings) {
        ByteBuffer b = ByteBuffer.allocate(16 + strings.length).order(ByteOrder.nativeOrder());
        b.putLong(len).putShort((short) cmd).putShort((short) count).putInt(0).put(strings);
        return b.array();
    }

    /** A well-formed request: {@code count} strings, each NUL-terminated, then the final NUL. */
    static byte[] request(char cmd, String... args) {
        byte[] s = strings(args);
        return request(16 + s.length, cmd, args.length, s);
    }

    static byte[] strings(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String a : args) {
            out.writeBytes(a.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        out.write(0);
        return out.toByteArray();
    }

    /**
     * Writes {@code bytes} in one write and returns everything the daemon sends until it closes the
     * connection (at most 10 s; the daemon must close after its reply).
     */
    static byte[] ipc(Path socket, byte[] bytes) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
             Selector sel = Selector.open()) {
            ch.write(ByteBuffer.wrap(bytes));
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("daemon did not close the connection; got "
                            + new String(out.toByteArray(), StandardCharsets.UTF_8));
                }
                sel.select(left);
                sel.selectedKeys().clear();
                int n = ch.read(buf.clear());
                if (n < 0) {
                    return out.toByteArray();
                }
                out.write(buf.array(), 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reply text of a raw request, the trailing NUL checked and stripped. */
    static String ipcText(Path socket, byte[] bytes) {
        byte[] r = ipc(socket, bytes);
        if (r.length == 0 || r[r.length - 1] != 0) {
            throw new AssertionError("reply does not end in NUL: " + new String(r, StandardCharsets.UTF_8)
                    + " (" + r.length + " bytes)");
        }
        return new String(r, 0, r.length - 1, StandardCharsets.UTF_8);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}

package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded, reproducible fuzzing of the IPC socket of a running daemon: valid requests of every
 * command (but {@code k}) and their mutations (bit flips, truncation, lying length and count
 * fields, random bytes, huge counts, embedded NULs, junk commands), pipelined many to a
 * connection, on several connections at once. {@link IpcOracle}, written from the SPEC alone,
 * predicts for every connection which requests are executed and how it ends; the daemon must
 * answer exactly that (one reply per executed request, then the exact error text or nothing,
 * then a close), never stall a connection for more than 6 s, never crash, and end in a sane
 * state. A failure names the lane seed and connection number, which reproduce it.
 */
@ExtendWith(NetnsExtension.class)
class IpcFuzzIT {

    /** One seed per concurrent lane of the big run. */
    private static final long[] LANES = {0x5eed_0001L, 0x5eed_0002L, 0x5eed_0003L, 0x5eed_0004L};
    private static final long TARGET = Long.getLong("fuzz.target", 1_000_000);
    private static final long BUDGET_NANOS = 150_000_000_000L;
    private static final long STALL_NANOS = 6_000_000_000L;

    private static final String CONFIG = """
            phyint eth0 enable
            phyint eth1 enable
            mroute from eth0 group 225.1.2.3 to eth1
            mroute from eth0 source 10.0.0.9 group 225.1.2.9 to eth1 eth2
            mgroup from eth1 group 225.5.5.5
            """;

    /** Totals over all lanes. */
    static final class Stats {
        final AtomicLong connections = new AtomicLong();
        final AtomicLong answered = new AtomicLong();
        final AtomicLong mutatedAnswered = new AtomicLong();
        final AtomicLong errorCloses = new AtomicLong();
        final AtomicLong silentCloses = new AtomicLong();
        final AtomicLong addsOk = new AtomicLong();
        final AtomicLong[] byCmd = new AtomicLong[128];

        Stats() {
            for (int i = 0; i < byCmd.length; i++) {
                byCmd[i] = new AtomicLong();
            }
        }

        String summary() {
            StringBuilder sb = new StringBuilder();
            for (char c : IpcOracle.COMMANDS.toCharArray()) {
                sb.append(c).append('=').append(byCmd[c].get()).append(' ');
            }
            return "connections=" + connections + " answered=" + answered + " (mutated/random " + mutatedAnswered
                    + ") errorCloses=" + errorCloses + " silentCloses=" + silentCloses + " addsOk=" + addsOk
                    + " executed: " + sb.toString().strip();
        }
    }

    @Test
    void aMillionFuzzedMessagesNeitherCrashNorHangTheDaemon() throws Exception {
        try (Topology t = Topology.create(3);
             Daemon d = Daemon.start(t.router(), CONFIG, "-l", "err", "--range-limit", "64")) {
            long pid = d.pid();
            long rssBefore = rssKib(pid);
            Stats stats = new Stats();
            long t0 = System.nanoTime();
            long deadline = t0 + BUDGET_NANOS;
            ExecutorService pool = Executors.newFixedThreadPool(LANES.length);
            try {
                List<Future<?>> lanes = new ArrayList<>();
                for (long seed : LANES) {
                    lanes.add(pool.submit(() -> {
                        new Lane(d.socket(), seed, stats).run(Long.MAX_VALUE,
                                () -> stats.answered.get() >= TARGET || System.nanoTime() > deadline);
                        return null;
                    }));
                }
                for (Future<?> f : lanes) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        throw new AssertionError(e.getCause().getMessage() + "\n" + stats.summary()
                                + "\n--- daemon log\n" + tail(d.log()), e.getCause());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            long rssAfter = rssKib(pid);
            System.out.println("IpcFuzzIT: " + stats.summary() + " in " + seconds + " s; daemon VmRSS "
                    + rssBefore / 1024 + " -> " + rssAfter / 1024 + " MiB");
            assertThat(stats.answered.get()).as("messages answered within the budget").isGreaterThanOrEqualTo(TARGET);
            assertThat(stats.mutatedAnswered.get()).isGreaterThan(TARGET / 4);
            for (char c : "arjlFsSJ".toCharArray()) {
                assertThat(stats.byCmd[c].get()).as("executed '%s'", c).isGreaterThan(1000);
            }

            // the same daemon, sane and serving
            assertThat(d.isAlive()).isTrue();
            assertThat(d.pid()).isEqualTo(pid);
            checkSane(t.router(), d, stats);
            assertThat(rssAfter).as("VmRSS KiB").isLessThan(256 * 1024);
            assertThat(d.log()).doesNotContain("Internal error", "Exception");
            d.stopCleanly();
        }
    }

    /** Regression seeds: runs that once found a problem, replayed on a fresh daemon. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {0x5eed_0001L})
    void regressionSeeds(long seed) throws Exception {
        try (Topology t = Topology.create(3);
             Daemon d = Daemon.start(t.router(), CONFIG, "-l", "err", "--range-limit", "64")) {
            Stats stats = new Stats();
            new Lane(d.socket(), seed, stats).run(3000, () -> false);
            checkSane(t.router(), d, stats);
            d.stopCleanly();
        }
    }

    private static void checkSane(Netns router, Daemon d, Stats stats) throws IOException {
        Exec.Result show = d.ctl().run("show").ok();
        assertThat(show.out()).contains("(*, 225.1.2.3)", "(10.0.0.9, 225.1.2.9)");
        RawIpc.Outcome json = RawIpc.exchange(d.socket(), RawIpc.request('J'), Duration.ofSeconds(10));
        String routes = json.text();
        int kernelAt = routes.indexOf("\"kernel\":");
        assertThat(kernelAt).as("JSON routes: %s", routes).isPositive();
        int confRoutes = IpcHardeningIT.count(routes.substring(0, kernelAt), "\"iif\"");
        assertThat(confRoutes).as("conf routes: at most the config's 2 plus every successful add")
                .isBetween(0, 2 + (int) Math.min(Integer.MAX_VALUE - 2, stats.addsOk.get()));
        // no connection left open: only the listening socket has the path in /proc/net/unix
        String path = d.socket().toString();
        Waits.until("only the listener left in /proc/net/unix", Duration.ofSeconds(8),
                () -> IpcHardeningIT.count(router.exec("cat", "/proc/net/unix").ok().out(), path) == 1);
        assertThat(ProcFiles.vifs(router, false).size()).isLessThanOrEqualTo(32);
    }

    static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    // ---- one lane: connections one after another, each a fuzzed pipelined stream -----------

    static final class Lane {
        private static final String[] IFS = {"eth0", "eth1", "eth2", "eth3", "lo", "eth9", "eth+", "",
            "eeeeeeeeeeeeeee", "x".repeat(40)};
        private static final String[] SRC = {"10.0.0.1", "10.0.0.2", "10.1.2.3/24", "fd00::1", "fd00::2/64",
            "0.0.0.0", "255.255.255.255", "::", "1.2.3", "bogus", "", "10.0.0.9"};
        private static final String[] GRP = {"225.1.2.3", "225.1.2.4", "225.3.0.0/30", "ff0e::1", "ff0e::1:3",
            "ff2e::42/126", "239.255.255.255", "224.0.0.1", "224.0.0.0/4", "10.0.0.1", "999.1.1.1",
            "225.1.2.3/33", "225.1.2.9", "225.7.0.0/26"};
        private static final String[] SHOW = {"routes", "groups", "interfaces", "pending", "x", "", "r"};
        /** Command mix of the valid requests; H (reload) is rare, k (kill) never. */
        private static final String MIX = "aaaaaaarrrrjjjjlllsssSJJFF";

        private final Path socket;
        private final long seed;
        private final Stats stats;
        private final RandomGenerator rnd;
        private final Selector selector;
        private final ByteBuffer in = ByteBuffer.allocate(1 << 16);

        Lane(Path socket, long seed, Stats stats) {
            this.socket = socket;
            this.seed = seed;
            this.stats = stats;
            this.rnd = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            try {
                this.selector = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void run(long connections, BooleanSupplier stop) throws IOException {
            try {
                for (long n = 0; n < connections && !stop.getAsBoolean(); n++) {
                    connection(n);
                }
            } finally {
                selector.close();
            }
        }

        /** One connection: build a stream, judge it, send it, half-close, check what comes back. */
        private void connection(long n) throws IOException {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            List<int[]> starts = new ArrayList<>(); // {offset, mutated}
            if (rnd.nextInt(100) == 0) {
                byte[] junk = new byte[1 + rnd.nextInt(2048)];
                rnd.nextBytes(junk);
                stream.writeBytes(junk);
            } else {
                int m = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 400 : 48);
                for (int i = 0; i < m && stream.size() < 24_000; i++) {
                    byte[] msg = base();
                    boolean mutated = rnd.nextInt(100) < 50;
                    if (mutated) {
                        int ops = 1 + rnd.nextInt(3);
                        for (int k = 0; k < ops; k++) {
                            msg = mutate(msg);
                        }
                    }
                    starts.add(new int[] {stream.size(), mutated ? 1 : 0});
                    stream.writeBytes(msg);
                }
            }
            byte[] s = stream.toByteArray();
            IpcOracle.Verdict v = IpcOracle.judge(s, s.length);
            int end = s.length;
            for (int i = 0; i < v.executed().size(); i++) {
                char cmd = v.executed().get(i).cmd();
                if (cmd == 'k' || cmd == 'E') {
                    // never kill the daemon, and never turn the connection into an endless event
                    // stream: the stream ends right before either
                    end = v.executed().get(i).offset();
                    v = IpcOracle.judge(s, end);
                    break;
                }
            }
            byte[] got = exchange(s, end, n);
            check(s, end, v, got, starts, n);
        }

        private byte[] exchange(byte[] s, int end, long n) throws IOException {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                ch.configureBlocking(false);
                SelectionKey key = ch.register(selector, SelectionKey.OP_WRITE | SelectionKey.OP_READ);
                ByteBuffer out = ByteBuffer.wrap(s, 0, end);
                boolean halfClosed = false;
                long lastProgress = System.nanoTime();
                while (true) {
                    boolean progress = false;
                    if (out.hasRemaining()) {
                        try {
                            progress |= ch.write(out) > 0;
                        } catch (IOException e) {
                            out.position(out.limit()); // the daemon closed early (after an error reply)
                        }
                    }
                    if (!out.hasRemaining() && !halfClosed) {
                        try {
                            ch.shutdownOutput();
                        } catch (IOException e) {
                            // already closed by the daemon
                        }
                        halfClosed = true;
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    int r;
                    try {
                        r = ch.read(in);
                    } catch (IOException e) {
                        r = -1; // reset: counts as closed
                    }
                    if (r > 0) {
                        got.write(in.array(), 0, in.position());
                        in.clear();
                        progress = true;
                    } else if (r < 0) {
                        key.cancel();
                        selector.selectNow();
                        return got.toByteArray();
                    }
                    long now = System.nanoTime();
                    if (progress) {
                        lastProgress = now;
                        continue;
                    }
                    if (now - lastProgress > STALL_NANOS) {
                        throw new AssertionError(where(n) + "no reply and no close within 6 s; sent "
                                + (end - out.remaining()) + " of " + end + " bytes, received " + got.size());
                    }
                    selector.select(100);
                    selector.selectedKeys().clear();
                }
            }
        }

        private void check(byte[] s, int end, IpcOracle.Verdict v, byte[] got, List<int[]> starts, long n) {
            int pos = 0;
            int i = 0;
            for (IpcOracle.Executed e : v.executed()) {
                int nul = pos;
                while (nul < got.length && got[nul] != 0) {
                    nul++;
                }
                if (nul >= got.length) {
                    throw new AssertionError(where(n) + "expected " + v.executed().size() + " replies, got " + i
                            + " then " + text(got, pos, got.length) + "\nstream " + hex(s, end));
                }
                String reply = new String(got, pos, nul - pos, StandardCharsets.UTF_8);
                if (reply.contains("Internal error")) {
                    throw new AssertionError(where(n) + "request " + e + " -> " + reply);
                }
                if (e.cmd() == 'a' && reply.isEmpty()) {
                    stats.addsOk.incrementAndGet();
                }
                stats.byCmd[e.cmd()].incrementAndGet();
                stats.answered.incrementAndGet();
                if (mutated(starts, e.offset())) {
                    stats.mutatedAnswered.incrementAndGet();
                }
                pos = nul + 1;
                i++;
            }
            byte[] rest = Arrays.copyOfRange(got, pos, got.length);
            byte[] want = v.error() == null ? new byte[0] : (v.error() + "\0").getBytes(StandardCharsets.UTF_8);
            if (!Arrays.equals(rest, want)) {
                throw new AssertionError(where(n) + "after " + i + " replies expected "
                        + (v.error() == null ? "a close" : "'" + v.error() + "' and a close") + ", got "
                        + text(rest, 0, rest.length) + "\nstream " + hex(s, end));
            }
            stats.connections.incrementAndGet();
            if (v.error() != null) {
                stats.answered.incrementAndGet();
                stats.mutatedAnswered.incrementAndGet();
                stats.errorCloses.incrementAndGet();
            } else {
                stats.silentCloses.incrementAndGet();
            }
        }

        private static boolean mutated(List<int[]> starts, int offset) {
            for (int[] st : starts) {
                if (st[0] == offset) {
                    return st[1] == 1;
                }
                if (st[0] > offset) {
                    break;
                }
            }
            return true; // not at a message start: a misaligned, i.e. random, request
        }

        private String where(long n) {
            return "lane seed 0x" + Long.toHexString(seed) + " connection " + n + ": ";
        }

        private static String text(byte[] b, int from, int to) {
            String t = new String(b, from, Math.min(to, from + 300) - from, StandardCharsets.UTF_8);
            return "\"" + t.replace("\0", "\\0") + "\"" + (to - from > 300 ? "..." : "");
        }

        private static String hex(byte[] s, int end) {
            return HexFormat.of().formatHex(s, 0, Math.min(end, 2048)) + (end > 2048 ? "..." : "");
        }

        // ---- generation ------------------------------------------------------------------

        private String pick(String[] a) {
            return a[rnd.nextInt(a.length)];
        }

        /** A request as a client would build it, mostly valid, of every command but k. */
        private byte[] base() {
            char cmd = rnd.nextInt(2000) == 0 ? 'H' : MIX.charAt(rnd.nextInt(MIX.length()));
            List<String> a = new ArrayList<>();
            switch (cmd) {
                case 'a', 'r' -> {
                    a.add(pick(IFS));
                    if (rnd.nextBoolean()) {
                        a.add(pick(SRC));
                    }
                    a.add(pick(GRP));
                    int oifs = rnd.nextInt(20) == 0 ? 30 + rnd.nextInt(6) : rnd.nextInt(4);
                    for (int i = 0; i < oifs; i++) {
                        a.add(pick(IFS));
                    }
                }
                case 'j', 'l' -> {
                    a.add(pick(IFS));
                    if (rnd.nextBoolean()) {
                        a.add(pick(SRC));
                    }
                    a.add(pick(GRP));
                    if (rnd.nextInt(10) == 0) {
                        a.add(pick(GRP));
                    }
                }
                case 's', 'S', 'J' -> {
                    if (rnd.nextBoolean()) {
                        a.add(pick(SHOW));
                    }
                }
                default -> {
                    if (rnd.nextInt(10) == 0) {
                        a.add(pick(IFS));
                    }
                }
            }
            return encode(cmd, a);
        }

        /** Like the client's encoding, but without its limits (more than 35 words, over 1024 bytes). */
        static byte[] encode(int cmd, List<String> words) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (String w : words) {
                body.writeBytes(w.getBytes(StandardCharsets.UTF_8));
                body.write(0);
            }
            body.write(0);
            return RawIpc.raw(16 + body.size(), cmd, words.size(), body.toByteArray());
        }

        /**
         * Mutations that keep the framing (length, count, NULs) intact, so the request reaches
         * the command code with garbage in its words: the state thread's parsers get fuzzed.
         */
        private byte[] mutateKeepingFrame(byte[] m) {
            if (m.length < 16) {
                return m;
            }
            m = m.clone();
            switch (rnd.nextInt(5)) {
                case 0, 1 -> { // flip a bit of a non-NUL body byte, never making it NUL
                    for (int tries = 0; tries < 8 && m.length > 17; tries++) {
                        int i = 16 + rnd.nextInt(m.length - 17);
                        byte flipped = (byte) (m[i] ^ (1 << rnd.nextInt(8)));
                        if (m[i] != 0 && flipped != 0) {
                            m[i] = flipped;
                            break;
                        }
                    }
                }
                case 2 -> { // replace a non-NUL body byte with any non-NUL byte
                    for (int tries = 0; tries < 8 && m.length > 17; tries++) {
                        int i = 16 + rnd.nextInt(m.length - 17);
                        if (m[i] != 0) {
                            m[i] = (byte) (1 + rnd.nextInt(255));
                            break;
                        }
                    }
                }
                case 3 -> // another valid command code with the same words
                    ByteBuffer.wrap(m).order(ByteOrder.nativeOrder()).putShort(8, (short) "arjlFHsSJ".charAt(rnd.nextInt(9)));
                default -> { // the padding is ignored
                    for (int i = 12; i < 16; i++) {
                        m[i] = (byte) rnd.nextInt(256);
                    }
                }
            }
            return m;
        }

        private byte[] mutate(byte[] m) {
            if (rnd.nextInt(100) < 55) {
                return mutateKeepingFrame(m);
            }
            ByteBuffer b;
            int op = rnd.nextInt(13);
            if (m.length < 16 && (op == 0 || op == 3 || op == 4 || op == 9)) {
                op = 11; // header mutations need a header
            }
            switch (op) {
                case 0 -> { // flip one bit anywhere
                    m = m.clone();
                    int i = rnd.nextInt(m.length);
                    m[i] ^= (byte) (1 << rnd.nextInt(8));
                }
                case 1 -> { // flip a bit in the body only
                    m = m.clone();
                    if (m.length > 16) {
                        int i = 16 + rnd.nextInt(m.length - 16);
                        m[i] ^= (byte) (1 << rnd.nextInt(8));
                    }
                }
                case 2 -> m = Arrays.copyOf(m, rnd.nextInt(m.length + 1)); // truncate
                case 3 -> { // the length field lies
                    m = m.clone();
                    long len = switch (rnd.nextInt(6)) {
                        case 0 -> rnd.nextInt(16);
                        case 1 -> m.length + rnd.nextInt(9) - 4;
                        case 2 -> 1022 + rnd.nextInt(4);
                        case 3 -> rnd.nextLong();
                        case 4 -> 16 + rnd.nextInt(1009);
                        default -> m.length - 1;
                    };
                    ByteBuffer.wrap(m).order(ByteOrder.nativeOrder()).putLong(0, len);
                }
                case 4 -> { // the count lies
                    m = m.clone();
                    b = ByteBuffer.wrap(m).order(ByteOrder.nativeOrder());
                    int count = b.getShort(10) & 0xffff;
                    int lie = switch (rnd.nextInt(4)) {
                        case 0 -> count + 1;
                        case 1 -> Math.max(0, count - 1);
                        case 2 -> rnd.nextInt(40);
                        default -> 0xffff - rnd.nextInt(3);
                    };
                    b.putShort(10, (short) lie);
                }
                case 5 -> { // random bytes
                    m = new byte[1 + rnd.nextInt(rnd.nextBoolean() ? 64 : 1100)];
                    rnd.nextBytes(m);
                }
                case 6 -> { // a random header that claims to be valid, random body
                    byte[] body = new byte[rnd.nextInt(64)];
                    rnd.nextBytes(body);
                    // the original's codes only: a doctor samples for a second, an event stream never ends
                    m = RawIpc.raw(16 + body.length, IpcOracle.COMMANDS.charAt(rnd.nextInt(10)), rnd.nextInt(4), body);
                }
                case 7 -> { // the largest counts: 35 (allowed) or 36 words
                    List<String> words = new ArrayList<>();
                    int n = 35 + rnd.nextInt(2);
                    for (int i = 0; i < n; i++) {
                        words.add(pick(IFS));
                    }
                    m = encode(MIX.charAt(rnd.nextInt(MIX.length())), words);
                }
                case 8 -> { // an embedded NUL
                    m = m.clone();
                    if (m.length > 16) {
                        m[16 + rnd.nextInt(m.length - 16)] = 0;
                    }
                }
                case 9 -> { // another command code
                    m = m.clone();
                    int c = rnd.nextBoolean() ? rnd.nextInt(0x10000) : "arjlFHsSJ".charAt(rnd.nextInt(9));
                    ByteBuffer.wrap(m).order(ByteOrder.nativeOrder()).putShort(8, (short) c);
                }
                case 10 -> { // a byte inserted into the body
                    int at = Math.min(m.length, 16 + rnd.nextInt(Math.max(1, m.length - 15)));
                    byte[] r = new byte[m.length + 1];
                    System.arraycopy(m, 0, r, 0, at);
                    r[at] = (byte) rnd.nextInt(256);
                    System.arraycopy(m, at, r, at + 1, m.length - at);
                    m = r;
                }
                case 11 -> { // pipelined twice
                    m = IpcHardeningIT.concat(m, m);
                }
                default -> { // a big request near the 1024-byte limit
                    List<String> words = new ArrayList<>();
                    words.add("eth0");
                    words.add("225.1.2.3");
                    int room = 1000 + rnd.nextInt(40) - 16 - 15 - 1;
                    words.add("x".repeat(Math.max(0, room - 1)));
                    m = encode(MIX.charAt(rnd.nextInt(MIX.length())), words);
                }
            }
            return m;
        }
    }
}

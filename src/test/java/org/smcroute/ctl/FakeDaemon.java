package org.smcroute.ctl;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.smcroute.ipc.Decoded;
import org.smcroute.ipc.Request;
import org.smcroute.ipc.Wire;

/** A daemon stand-in on a UNIX socket: records each request's raw bytes and sends a scripted reply. */
final class FakeDaemon implements AutoCloseable {

    final List<byte[]> raw = new CopyOnWriteArrayList<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ServerSocketChannel server;
    private final Thread thread;
    private volatile Function<Request, byte[]> replies;

    FakeDaemon(Path path, Function<Request, byte[]> replies) throws IOException {
        this.replies = replies;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        thread = new Thread(this::loop, "fake-daemon");
        thread.setDaemon(true);
        thread.start();
    }

    static byte[] reply(String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(t, t.length + 1);
    }

    private void loop() {
        while (server.isOpen()) {
            try (SocketChannel ch = server.accept()) {
                byte[] buf = new byte[4096];
                int n = 0;
                Decoded d = Decoded.NEED_MORE;
                while (d instanceof Decoded.NeedMore) {
                    int r = ch.read(ByteBuffer.wrap(buf, n, buf.length - n));
                    if (r < 0) {
                        break;
                    }
                    n += r;
                    d = Wire.decode(buf, 0, n);
                }
                raw.add(Arrays.copyOf(buf, n));
                if (d instanceof Decoded.Complete c) {
                    requests.add(c.request());
                    ByteBuffer out = ByteBuffer.wrap(replies.apply(c.request()));
                    while (out.hasRemaining()) {
                        ch.write(out);
                    }
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

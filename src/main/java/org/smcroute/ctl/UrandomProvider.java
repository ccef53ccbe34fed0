package org.smcroute.ctl;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.Provider;
import java.security.SecureRandomSpi;
import java.util.Map;

/**
 * The client's only security provider: "NativePRNGNonBlocking" backed by /dev/urandom, the
 * same source the JDK's own implementation reads. The client uses no cryptography, but the JDK
 * initialises a SecureRandom the first time any UNIX-domain socket is opened (for temporary
 * socket names, which the client never uses), and building the default SUN provider for it is a
 * noticeable part of the client's start-up (doc/benchmarks.md). The launcher installs this provider through
 * {@code -Djava.security.properties==smcroutectl.security} (see that file); the daemon is not
 * affected. The service is created without reflection, which would cost start-up time too.
 */
public final class UrandomProvider extends Provider {

    static final String ALGORITHM = "NativePRNGNonBlocking";

    public UrandomProvider() {
        super("SmcrouteUrandom", "1", "smcroutectl: SecureRandom " + ALGORITHM + " from /dev/urandom");
        putService(new Service(this, "SecureRandom", ALGORITHM, Urandom.class.getName(), null,
                Map.of("ThreadSafe", "true")) {
            @Override
            public Object newInstance(Object parameter) {
                return new Urandom();
            }
        });
    }

    /** Reads /dev/urandom for every request; seeding is the kernel's business and is ignored. */
    static final class Urandom extends SecureRandomSpi {

        @Override
        protected void engineSetSeed(byte[] seed) {
            // the kernel pool needs no seed from us; NativePRNGNonBlocking mixes it in, we may drop it
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            try (InputStream in = new FileInputStream("/dev/urandom")) {
                for (int off = 0; off < bytes.length; ) {
                    int n = in.read(bytes, off, bytes.length - off);
                    if (n < 0) {
                        throw new IOException("end of /dev/urandom");
                    }
                    off += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            byte[] b = new byte[numBytes];
            engineNextBytes(b);
            return b;
        }
    }
}

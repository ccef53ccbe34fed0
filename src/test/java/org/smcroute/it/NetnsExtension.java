package org.smcroute.it;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Guarantees clean namespaces around every test: before the class, leftovers of crashed runs
 * are swept; after each test, pass or fail, every namespace this JVM created (and every
 * process inside) is removed. Use with {@code @ExtendWith(NetnsExtension.class)}; tests may
 * still close their {@link Topology} themselves, closing twice is harmless.
 */
public final class NetnsExtension implements BeforeAllCallback, AfterEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        Netns.sweepStale();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Netns.closeAll();
    }
}

package org.smcroute.conf;

import java.io.InputStream;

/** Test-only bridge to ConfigReader's package-private stream entry, for tests in other packages. */
public final class ConfigReaderAccess {

    private ConfigReaderAccess() {
    }

    /** {@link ConfigReader#read(String, InputStream, DirectiveHandler)}. */
    public static ReadResult.Read read(ConfigReader reader, String name, InputStream in, DirectiveHandler handler) {
        return reader.read(name, in, handler);
    }
}

package org.smcroute.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class UrandomProviderTest {

    @Test
    void servesTheAlgorithmTheJdkAsksForWhenAUnixSocketIsOpened() throws Exception {
        SecureRandom r = SecureRandom.getInstance(UrandomProvider.ALGORITHM, new UrandomProvider());
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        r.nextBytes(a);
        r.nextBytes(b);
        assertThat(a).isNotEqualTo(new byte[32]).isNotEqualTo(b);
        assertThat(r.generateSeed(5)).hasSize(5);
        assertThat(r.getProvider().getName()).isEqualTo("SmcrouteUrandom");
    }

    /** The launcher's security file must name a provider class that loads, as the JDK loads it. */
    @Test
    void theShippedSecurityFileNamesThisProvider() throws Exception {
        Properties p = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/dist/smcroutectl.security"))) {
            p.load(in);
        }
        assertThat(p.stringPropertyNames()).containsExactly("security.provider.1");
        Class<?> c = Class.forName(p.getProperty("security.provider.1"));
        Provider provider = (Provider) c.getDeclaredConstructor().newInstance();
        assertThat(provider.getService("SecureRandom", UrandomProvider.ALGORITHM)).isNotNull();
    }
}

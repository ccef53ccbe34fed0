package org.smcroute.it;

import java.nio.file.Path;

/** Where things are: the project directory, its launchers, and the JDK running the tests. */
public final class Project {

    private Project() {
    }

    /** The project directory (failsafe passes it as {@code smcroute.home}). */
    public static Path home() {
        return Path.of(System.getProperty("smcroute.home", ".")).toAbsolutePath().normalize();
    }

    /**
     * A launcher, {@code bin/smcrouted} or {@code bin/smcroutectl}. The system property
     * {@code smcroute.it.<name>} replaces it, e.g. {@code -Dsmcroute.it.smcrouted=/usr/sbin/smcrouted}
     * to run the integration tests against another implementation such as the original C one.
     */
    public static String bin(String name) {
        return System.getProperty("smcroute.it." + name, home().resolve("bin").resolve(name).toString());
    }

    /**
     * The JDK 25 running the tests. Child JVMs use it, and it is passed to the launchers as
     * JAVA_HOME, so everything runs on the same JDK whatever the caller's default java is.
     */
    public static String javaHome() {
        return System.getProperty("java.home");
    }

    public static String java() {
        return Path.of(javaHome(), "bin", "java").toString();
    }
}

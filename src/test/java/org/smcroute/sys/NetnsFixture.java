package org.smcroute.sys;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The topology every IT of this package shares, built once per IT JVM: veth pair a/b, both ends
 * in the private namespace of failsafe's {@code src/test/sh/netns/bin/java}, so traffic sent out
 * of b arrives on a. Skips (assumption) outside root or outside a private namespace, so nothing
 * here ever touches the host's network namespace.
 */
final class NetnsFixture {

    private static boolean built;

    private NetnsFixture() {
    }

    static synchronized void ensure() throws Exception {
        String parent = System.getenv("SMCROUTE_PARENT_NETNS");
        assumeTrue(parent != null && Posix.geteuid() == 0, "needs root and the netns-java wrapper");
        assumeTrue(!parent.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString()),
                "not in a private network namespace");
        if (built) {
            return;
        }
        LinuxKernelIT.sh("ip", "link", "add", "name", "a", "type", "veth", "peer", "name", "b");
        LinuxKernelIT.sh("ip", "addr", "add", "10.0.0.1/24", "dev", "a");
        LinuxKernelIT.sh("ip", "addr", "add", "10.0.1.1/24", "dev", "a", "label", "a:1");
        LinuxKernelIT.sh("ip", "addr", "add", "10.0.0.2/24", "dev", "b");
        LinuxKernelIT.sh("ip", "-6", "addr", "add", "fd00::1/64", "dev", "a", "nodad");
        LinuxKernelIT.sh("ip", "-6", "addr", "add", "fd00::2/64", "dev", "b", "nodad");
        for (String s : List.of("net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.a.rp_filter=0",
                "net.ipv4.conf.a.accept_local=1")) {
            LinuxKernelIT.sh("sysctl", "-q", "-w", s); // the source 10.0.0.2 is local to this namespace
        }
        LinuxKernelIT.sh("ip", "link", "set", "dev", "a", "up");
        LinuxKernelIT.sh("ip", "link", "set", "dev", "b", "up");
        built = true;
    }
}

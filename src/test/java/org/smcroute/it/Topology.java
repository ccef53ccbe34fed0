package org.smcroute.it;

import java.util.ArrayList;
import java.util.List;
import org.smcroute.net.Addr;

/**
 * A small routed network made of namespaces: one sender, one router, N receivers, each host
 * joined to the router by its own veth pair (link k):
 *
 * <pre>
 *   sender  eth0 ──── eth0  router  eth1 ──── eth0  receiver 1
 *                             ...   ethN ──── eth0  receiver N
 * </pre>
 *
 * Link k uses 10.0.k.0/24 and fd00:0:0:k::/64 (IPv6 without DAD); the router is .1 / ::1,
 * the host .2 / ::2, and each host's default routes point at the router. These private
 * ranges exist only inside the namespaces. The router has forwarding on but no multicast
 * routing: that is the daemon's job. Interface names are per namespace, so several
 * topologies can exist at once.
 */
public final class Topology implements AutoCloseable {

    /** One host-to-router link; {@code host} is the sender's or a receiver's namespace. */
    public record Link(int index, Netns host, String hostIf, String routerIf,
                       String hostV4, String routerV4, String hostV6, String routerV6) {
    }

    private final Netns router;
    private final List<Link> links;
    private final List<Netns> namespaces;

    private Topology(Netns router, List<Link> links, List<Netns> namespaces) {
        this.router = router;
        this.links = links;
        this.namespaces = namespaces;
    }

    /** Builds sender + router + {@code receivers} receivers; on any failure nothing is left. */
    public static Topology create(int receivers) {
        List<Netns> all = new ArrayList<>();
        try {
            Netns router = Netns.create("rtr");
            all.add(router);
            List<Link> links = new ArrayList<>();
            for (int k = 0; k <= receivers; k++) {
                Netns host = Netns.create(k == 0 ? "snd" : "rcv" + k);
                all.add(host);
                Link l = new Link(k, host, "eth0", "eth" + k, "10.0." + k + ".2", "10.0." + k + ".1",
                        v6("fd00:0:0:" + k + "::2"), v6("fd00:0:0:" + k + "::1"));
                links.add(l);
                // Both ends are created directly in their namespaces: the host's root netns is never touched.
                Exec.run("ip", "-n", router.name(), "link", "add", l.routerIf(), "type", "veth",
                        "peer", "name", l.hostIf(), "netns", host.name()).ok();
            }
            // Router side first, so each host sees carrier when it adds its routes.
            StringBuilder rs = new StringBuilder("sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1\n");
            for (Link l : links) {
                rs.append(addressScript(l.routerIf(), l.routerV4(), l.routerV6()));
            }
            router.sh(rs.toString());
            for (Link l : links) {
                l.host().sh(addressScript(l.hostIf(), l.hostV4(), l.hostV6())
                        + "ip route add default via " + l.routerV4() + "\n"
                        + "ip -6 route add default via " + l.routerV6() + "\n");
            }
            return new Topology(router, List.copyOf(links), List.copyOf(all));
        } catch (RuntimeException e) {
            all.forEach(Netns::close);
            throw e;
        }
    }

    /** Canonical text (fd00::2, not fd00:0:0:0::2), as McastTool and the daemon print it. */
    private static String v6(String text) {
        return Addr.parse(text).toString();
    }

    private static String addressScript(String dev, String v4, String v6) {
        return "ip addr add " + v4 + "/24 dev " + dev + "\n"
                + "ip -6 addr add " + v6 + "/64 dev " + dev + " nodad\n"
                + "sysctl -qw net.ipv4.conf." + dev + ".rp_filter=0\n"
                + "ip link set " + dev + " up\n";
    }

    public Netns router() {
        return router;
    }

    public Link sender() {
        return links.get(0);
    }

    /** Receiver {@code i}, counting from 1 (link i, router interface eth{@code i}). */
    public Link receiver(int i) {
        if (i < 1 || i >= links.size()) {
            throw new IndexOutOfBoundsException("receiver " + i + " of " + (links.size() - 1));
        }
        return links.get(i);
    }

    public List<Link> receivers() {
        return links.subList(1, links.size());
    }

    public List<Netns> namespaces() {
        return namespaces;
    }

    @Override
    public void close() {
        namespaces.forEach(Netns::close);
    }
}

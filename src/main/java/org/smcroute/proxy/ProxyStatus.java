package org.smcroute.proxy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.smcroute.kernel.Family;
import org.smcroute.net.Addr;

/** The proxy as {@code show proxy} reports it: values copied out of the live state. */
public final class ProxyStatus {

    private ProxyStatus() {
    }

    /**
     * One group on a link: its filter mode and sources, the last reporter, the milliseconds until
     * it runs out, and the compatibility level of its hosts (1 to 3, as {@link GroupState}).
     */
    public record Member(Addr group, boolean exclude, List<Addr> sources, Addr reporter, long expires, int compat) {
    }

    /**
     * One downstream link: the querier's version and address, the packets counted, {@code drops}
     * by reason and {@code dropped} the faulty ones among them (not those of types the querier
     * ignores).
     */
    public record Downlink(String ifname, Family family, int version, Addr querier, boolean self, List<Member> members,
            long queries, long reports, long dropped, Map<String, Long> drops) {
    }

    /** One upstream membership: the group and the filter the kernel holds. */
    public record UpstreamJoin(String ifname, Family family, Addr group, boolean exclude, List<Addr> sources) {
    }

    static List<Downlink> links(Collection<Downstream> downstreams, long now) {
        List<Downlink> out = new ArrayList<>();
        for (Downstream d : downstreams) {
            List<Member> members = new ArrayList<>();
            for (GroupState g : d.groups()) {
                Filter f = g.filter(now);
                members.add(new Member(g.group, g.exclude(), f == null ? List.of() : new ArrayList<>(f.sources()),
                        g.reporter(), Math.max(0, g.expiry() - now), g.level(now)));
            }
            Map<String, Long> drops = new LinkedHashMap<>();
            long dropped = 0;
            for (Message.Drop why : Message.Drop.values()) {
                drops.put(why.label(), d.drops(why));
                dropped += why == Message.Drop.IGNORED ? 0 : d.drops(why);
            }
            out.add(new Downlink(d.ifname, d.family, d.version(), d.querierAddress(), d.isQuerier(), members, d.queries(),
                    d.reports(), dropped, drops));
        }
        return out;
    }

    static List<UpstreamJoin> joined(Collection<Upstream> upstreams) {
        List<UpstreamJoin> out = new ArrayList<>();
        for (Upstream u : upstreams) {
            for (Addr g : u.wanted().keySet()) {
                Filter f = u.joined(g);
                if (f != null) {
                    out.add(new UpstreamJoin(u.ifname, u.family, g, f.exclude(), new ArrayList<>(f.sources())));
                }
            }
        }
        return out;
    }
}

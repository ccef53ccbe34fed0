package org.smcroute.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.conf.Directive;
import org.smcroute.conf.Origin;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.Counters;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.KernelException;
import org.smcroute.kernel.Link;
import org.smcroute.kernel.VifCounters;
import org.smcroute.net.Addr;

/** The doctor's checks against the fake kernel and made-up sysctls. */
class DoctorTest {

    private static List<String> levels(List<Finding> found) {
        List<String> l = new ArrayList<>();
        for (Finding f : found) {
            l.add(f.level() + " " + f.code());
        }
        return l;
    }

    @Test
    void aCleanSetupIsOkEverywhereInTheOrderOfTheCodes() throws Exception {
        Domain d = new Domain("eth0", "eth1");
        d.add("eth0", "10.0.0.2", "225.1.2.3", "eth1");
        d.add("eth0", null, "225.9.0.0/16", "eth1");
        String reply = d.drain(d.doctor().examine());
        List<String> codes = new ArrayList<>();
        for (String line : reply.split("\n")) {
            String[] f = line.split("\t", -1);
            assertThat(f).hasSize(4);
            assertThat(f[0]).as(line).isEqualTo("ok");
            assertThat(f[3]).isEmpty();
            codes.add(f[1]);
        }
        assertThat(codes).containsExactly("rp-filter", "no-multicast", "link-local-group", "missing-iface", "ttl",
                "vif-capacity", "mc-forwarding", "iface-down", "cache-full", "config");
    }

    @Test
    void rpFilterTakesTheHigherOfAllAndTheInterface() throws Exception {
        Domain d = new Domain("eth0", "eth1", "eth2");
        d.add("eth0", "10.0.0.2", "225.1.2.3", "eth1");
        d.add("eth0", null, "225.9.0.0/16", "eth1");
        d.add("eth2", "fd00::2", "ff0e::1", "eth1");
        d.sysctls.put("net/ipv4/conf/eth0/rp_filter", "1");
        d.sysctls.put("net/ipv4/conf/eth2/rp_filter", "1"); // no IPv4 route from eth2
        assertThat(d.checks().rpFilter()).containsExactly(Finding.warn("rp-filter",
                "eth0 has rp_filter=1 (strict) and is the inbound interface of 2 routes", "set net.ipv4.conf.eth0.rp_filter=0 or 2"));
        d.sysctls.put("net/ipv4/conf/all/rp_filter", "2");
        assertThat(levels(d.checks().rpFilter())).containsExactly("ok rp-filter");
        d.sysctls.put("net/ipv4/conf/all/rp_filter", "1");
        d.sysctls.put("net/ipv4/conf/eth0/rp_filter", "0");
        assertThat(d.checks().rpFilter().getFirst().fix())
                .isEqualTo("set net.ipv4.conf.all.rp_filter=0 or 2 (the kernel applies the higher of all and eth0)");
    }

    @Test
    void linkLocalGroupsOnlyWhenTheWholeRangeIsLinkScoped() throws Exception {
        Domain d = new Domain("eth0", "eth1");
        d.add("eth0", null, "224.0.0.251", "eth1");
        d.add("eth0", null, "224.0.0.0/25", "eth1");
        d.add("eth0", null, "224.0.0.0/4", "eth1");
        d.add("eth0", null, "224.0.1.1", "eth1");
        d.add("eth0", "fd00::2", "ff02::fb", "eth1");
        d.add("eth0", null, "ff12::1", "eth1");
        d.add("eth0", null, "ff01::1/16", "eth1");
        d.add("eth0", null, "ff05::1", "eth1");
        d.add("eth0", null, "ff00::/8", "eth1");
        List<String> msgs = new ArrayList<>();
        for (Finding f : d.checks().linkLocalGroup()) {
            msgs.add(f.message());
        }
        assertThat(msgs).containsExactly(
                "route (*, 224.0.0.251) from eth0 is for a link-local group (224.0.0.0/24), which Linux never forwards",
                "route (*, 224.0.0.0/25) from eth0 is for a link-local group (224.0.0.0/24), which Linux never forwards",
                "route (*, ff12::1) from eth0 is for a link-local group (ff02::/16), which Linux never forwards",
                "route (*, ff01::1/16) from eth0 is for a link-local group (ff02::/16), which Linux never forwards",
                "route (fd00::2, ff02::fb) from eth0 is for a link-local group (ff02::/16), which Linux never forwards");
    }

    @Test
    void interfacesWithoutMulticastDownOrMissing() throws Exception {
        Domain d = new Domain("eth0", "eth1", "eth2");
        d.add("eth0", "10.0.0.2", "225.1.2.3", "eth1", "eth2");
        d.pending.add(new Pending.Entry("mroute", "eth0", null, "225.4.0.0/16", List.of("eth9")));
        d.pending.add(new Pending.Entry("mgroup", "eth8", null, "225.5.5.5", List.of()));
        d.pending.add(new Pending.Entry("mproxy", "eth6", null, null, List.of("eth1")));
        d.phyints.apply(new Directive.Phyint(new Origin("t.conf", 1), "eth7", true, false, null));
        d.kernel.links.clear();
        d.kernel.link("eth0", 2);
        d.kernel.links.add(new Link("eth1", 3, Link.IFF_UP, null));
        d.kernel.links.add(new Link("eth2", 4, Link.IFF_MULTICAST, null));
        d.ifaces.refresh(d.kernel.links());
        assertThat(d.checks().noMulticast()).containsExactly(Finding.error("no-multicast", "eth1 has no MULTICAST flag, so its"
                + " VIF/MIF is suspended and the 1 route and 0 group joins that use it do nothing", "ip link set eth1 multicast on"));
        assertThat(d.checks().ifaceDown()).containsExactly(Finding.warn("iface-down",
                "eth2 is down, and 1 route and 0 group joins use it", "ip link set eth2 up"));
        List<String> missing = new ArrayList<>();
        for (Finding f : d.checks().missingIface()) {
            missing.add(f.message());
        }
        assertThat(missing).containsExactly("eth9 does not exist; named by 1 pending route",
                "eth8 does not exist; named by 1 pending join", "eth6 does not exist; named by an mproxy line",
                "eth7 does not exist; named by a phyint line");
    }

    @Test
    void vifCapacity() throws Exception {
        String[] names = new String[34];
        for (int i = 0; i < names.length; i++) {
            names[i] = "v" + i;
        }
        Domain d = new Domain(names);
        for (int i = 1; i < names.length; i++) {
            d.add("v0", "10.0.0.2", "225.1.2." + i, names[i]);
        }
        List<Finding> found = d.checks().vifCapacity();
        assertThat(levels(found)).containsExactly("error vif-capacity", "error vif-capacity");
        assertThat(found.get(0).message()).isEqualTo("v32, v33 want an IPv4 VIF, but the kernel has only 32 and all are in use");
        assertThat(found.get(1).message()).startsWith("v32, v33 want an IPv6 MIF");
    }

    @Test
    void mcForwardingTellsOwnedDeniedAndUnavailableApart() throws Exception {
        Domain d = new Domain("eth0");
        d.routing.close(Family.INET);
        d.openFailures[0] = new KernelException("MRT_INIT", Errno.EADDRINUSE, "Address already in use");
        assertThat(d.checks().mcForwarding()).containsExactly(Finding.error("mc-forwarding", "the IPv4 multicast routing table 0"
                + " is owned by another process, so this daemon routes no IPv4", "stop the other multicast router (pimd,"
                + " igmpproxy, mcpd, another smcrouted), or give this daemon a table of its own with -t"));
        d.openFailures[0] = new KernelException("socket", Errno.EPERM, "Operation not permitted");
        assertThat(levels(d.checks().mcForwarding())).containsExactly("error mc-forwarding");
        d.openFailures[0] = new KernelException("socket", 97, "Address family not supported by protocol");
        assertThat(d.checks().mcForwarding()).containsExactly(Finding.ok("mc-forwarding", "multicast routing table 0 of IPv6 is"
                + " this daemon's and forwards, no multicast routing for IPv4 (Address family not supported by protocol)"));
        d.sysctls.put("net/ipv6/conf/all/mc_forwarding", "0");
        assertThat(levels(d.checks().mcForwarding())).containsExactly("error mc-forwarding");
    }

    @Test
    void cacheFullAndConfig() throws Exception {
        Domain d = new Domain("eth0", "eth1");
        d.add("eth0", null, "225.9.0.0/16", "eth1");
        d.routes.setLearnedLimit(1);
        assertThat(levels(d.checks().cacheFull())).containsExactly("ok cache-full");
        d.routes.onNoCache(Family.INET, Addr.parse("10.0.0.2"), Addr.parse("225.9.0.1"), 0);
        assertThat(levels(d.checks().cacheFull())).containsExactly("warn cache-full");
        assertThat(levels(d.checks().config())).containsExactly("ok config");
        d.configProblem = "has lines in error, which are not in effect";
        assertThat(d.checks().config()).containsExactly(Finding.warn("config", "/etc/smcroute.conf has lines in error,"
                + " which are not in effect", "run smcrouted -F /etc/smcroute.conf to see why, fix it, and reload"));
    }

    @Test
    void ttlFindsARouteWhosePacketsNeverLeaveAnOif() throws Exception {
        Domain d = new Domain("eth0", "eth1", "eth2");
        d.add("eth0", "10.0.0.2", "225.1.2.3", "eth1", "eth2");
        d.add("eth0", "10.0.0.2", "225.1.2.4", "eth1");
        // half-way through the sample: both routes got packets; eth2 sent some, eth1 none
        d.loop.schedule(TtlCheck.SAMPLE_MILLIS / 2, () -> {
            d.kernel.counters.put("10.0.0.2,225.1.2.3", new Counters(50, 5000, 0));
            d.kernel.counters.put("10.0.0.2,225.1.2.4", new Counters(1, 100, 0)); // too few to judge
            d.kernel.vifCounters.put("INET 2", new VifCounters(0, 50, 0, 5000));
        });
        String reply = d.drain(d.doctor().examine());
        List<String> ttl = new ArrayList<>();
        for (String line : reply.split("\n")) {
            if (line.contains("\tttl\t")) {
                ttl.add(line);
            }
        }
        assertThat(ttl).containsExactly("warn\tttl\t(10.0.0.2, 225.1.2.3) got 50 packets on eth0 in 1 s, but eth1 (threshold 1)"
                + " sent none: they arrive with a TTL at or below the threshold\traise the sender's multicast TTL (it is 1"
                + " unless the application sets it), or lower the ttl-threshold of the outbound interface");
    }

    @Test
    void ttlIsQuietWhenEveryOifSendsOrNothingFlows() throws Exception {
        Domain d = new Domain("eth0", "eth1");
        d.add("eth0", "10.0.0.2", "225.1.2.3", "eth1");
        assertThat(d.drain(d.doctor().examine())).contains("ok\tttl\tno route had traffic during the 1 s sample\t\n");
        d.loop.schedule(TtlCheck.SAMPLE_MILLIS / 2, () -> {
            d.kernel.counters.put("10.0.0.2,225.1.2.3", new Counters(50, 5000, 0));
            d.kernel.vifCounters.put("INET 1", new VifCounters(0, 50, 0, 5000));
        });
        assertThat(d.drain(d.doctor().examine()))
                .contains("ok\tttl\tno packet was held back by a TTL threshold on 1 route with traffic during the 1 s sample\t\n");
    }
}

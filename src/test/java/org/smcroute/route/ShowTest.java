package org.smcroute.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.iface.Pending;
import org.smcroute.kernel.Counters;
import org.smcroute.kernel.Family;
import org.smcroute.net.Addr;
import org.smcroute.show.InterfacesView;
import org.smcroute.show.Pieces;
import org.smcroute.show.RoutesView;

/** The show views against their exact expected text, in the on-the-wire form (markers). */
class ShowTest {

    private static Fixture example() throws Exception {
        Fixture fx = new Fixture("lo", "eth0", "eth1", "eth2");
        fx.add("eth0", "10.0.0.10", "225.3.2.1", "eth1", "eth2");
        fx.add("eth0", null, "225.1.2.3", "eth1");
        fx.add("eth0", null, "ff2e:0::42/121", "eth1");
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.1"), Addr.parse("225.7.7.7"), fx.slot("eth0"));
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.1"), Addr.parse("225.1.2.3"), fx.slot("eth0"));
        return fx;
    }

    @Test
    void routesTextIsByteExact() throws Exception {
        Fixture fx = example();
        String text = all(new RoutesView(fx.ifaces, fx.routes, fx.routing).text(false));
        String h = "ROUTE (S,G)                                IIF   OIFS=\n";
        assertThat(text).isEqualTo("(*,G) Template Rules_\n" + h
                + "(*, 225.1.2.3)                             eth0  eth1\n"
                + "(*, ff2e::42/121)                          eth0  eth1\n"
                + "(S,G) Rules_\n" + h
                + "(10.0.0.10, 225.3.2.1)                     eth0  eth1 eth2\n"
                + "Kernel MFC Table_\n" + h
                + "(10.0.0.10, 225.3.2.1)                     eth0  eth1 eth2\n"
                + "(10.0.0.1, 225.1.2.3)                      eth0  eth1\n"
                + "(10.0.0.1, 225.7.7.7)                      eth0 \n");
    }

    @Test
    void detailAddsKernelCounters() throws Exception {
        Fixture fx = new Fixture("lo", "eth0", "eth1", "eth2");
        fx.add("eth0", null, "225.1.2.3", "eth1");
        fx.routes.onNoCache(Family.INET, Addr.parse("10.0.0.1"), Addr.parse("225.1.2.3"), fx.slot("eth0"));
        fx.kernel.counters.put("10.0.0.1,225.1.2.3", new Counters(3, 252, 0));
        String text = all(new RoutesView(fx.ifaces, fx.routes, fx.routing).text(true));
        assertThat(text).contains("ROUTE (S,G)                                IIF     PACKETS      BYTES  OIFS=\n");
        assertThat(text).contains("(10.0.0.1, 225.1.2.3)                      eth0          3        252  eth1\n");
    }

    @Test
    void emptyTablesGiveEmptyOutputAndEmptyJsonLists() throws Exception {
        Fixture fx = new Fixture("eth0");
        RoutesView v = new RoutesView(fx.ifaces, fx.routes, fx.routing);
        assertThat(all(v.text(false))).isEmpty();
        assertThat(all(v.json())).isEqualTo("{\"routes\":{\"asm\":[],\"ssm\":[],\"kernel\":[]}}\n");
    }

    @Test
    void jsonListsEverySection() throws Exception {
        Fixture fx = example();
        String json = all(new RoutesView(fx.ifaces, fx.routes, fx.routing).json());
        assertThat(json).startsWith("{\"routes\":{\"asm\":[{\"source\":null,\"group\":\"225.1.2.3\",\"iif\":\"eth0\",\"oifs\":[\"eth1\"]},")
                .contains("\"ssm\":[{\"source\":\"10.0.0.10\",\"group\":\"225.3.2.1\",\"iif\":\"eth0\",\"oifs\":[\"eth1\",\"eth2\"]}]")
                .contains("{\"source\":\"10.0.0.1\",\"group\":\"225.7.7.7\",\"iif\":\"eth0\",\"oifs\":[]}")
                .endsWith("]}}\n");
    }

    @Test
    void interfacesTextIsByteExact() throws Exception {
        Fixture fx = new Fixture("lo", "eth0", "eth1", "eth2");
        fx.add("eth0", "10.0.0.10", "225.3.2.1", "eth1", "eth2");
        String text = new InterfacesView(fx.ifaces, fx.pending).interfaces();
        assertThat(text).isEqualTo(" INDEX PHYINT  VIF  MIF=\n"
                + "     2 lo      N/A  N/A\n"
                + "     3 eth0      0    0\n"
                + "     4 eth1      1    1\n"
                + "     5 eth2      2    2\n");
        assertThat(new InterfacesView(fx.ifaces, fx.pending).interfacesJson())
                .startsWith("{\"interfaces\":[{\"index\":2,\"name\":\"lo\",\"present\":true,\"vif\":null,\"mif\":null},"
                        + "{\"index\":3,\"name\":\"eth0\",\"present\":true,\"vif\":0,\"mif\":0}");
    }

    @Test
    void pendingListShowsTheTextAsWritten() throws Exception {
        Fixture fx = new Fixture("eth1");
        InterfacesView v = new InterfacesView(fx.ifaces, fx.pending);
        assertThat(v.pending()).isEqualTo("No pending routes or groups\n");
        fx.add("eth1", null, "239.255.255.250", "wg9");
        fx.editor.queue(Fixture.FILE, new Pending.Entry("mgroup", "eth3", "10.0.0.1", "225.1.1.1", List.of()), "interface eth3");
        assertThat(v.pending()).isEqualTo("PENDING ROUTES AND GROUPS\n"
                + "mroute  from eth1 group 239.255.255.250 to wg9\n"
                + "mgroup  from eth3 source 10.0.0.1 group 225.1.1.1\n");
    }

    @Test
    void dataLinesEndingInAMarkerGetASpace() throws Exception {
        Fixture fx = new Fixture("eth0", "br_");
        fx.add("eth0", "10.0.0.1", "225.1.2.3", "br_");
        String text = all(new RoutesView(fx.ifaces, fx.routes, fx.routing).text(false));
        assertThat(text).contains("eth0  br_ \n");
    }

    /** A reply made in pieces, whole. */
    static String all(Pieces p) {
        StringBuilder sb = new StringBuilder();
        while (p.next(sb)) {
            // more to come
        }
        return sb.toString();
    }

    @Test
    void aBigTableComesInBoundedPiecesThatAddUpToTheWhole() throws Exception {
        Fixture fx = new Fixture("eth0", "eth1");
        for (int i = 0; i < 5000; i++) {
            fx.add("eth0", "10.0.0.1", "225.1." + (i >> 8) + "." + (i & 255), "eth1");
        }
        RoutesView v = new RoutesView(fx.ifaces, fx.routes, fx.routing);
        Pieces p = v.text(false);
        int pieces = 0;
        StringBuilder whole = new StringBuilder();
        while (true) {
            StringBuilder piece = new StringBuilder();
            boolean more = p.next(piece);
            pieces++;
            assertThat(piece.length()).isLessThan(Pieces.SIZE + 200);
            whole.append(piece);
            if (!more) {
                break;
            }
        }
        assertThat(pieces).isGreaterThan(5);
        assertThat(whole.toString().lines().filter(l -> l.startsWith("(10.0.0.1, 225.1.")).count()).isEqualTo(2 * 5000);
        String json = all(v.json());
        assertThat(json).startsWith("{\"routes\":{\"asm\":[],\"ssm\":[{").endsWith("]}}\n");
        assertThat(json.split("\"group\"", -1)).hasSize(2 * 5000 + 1);
    }
}

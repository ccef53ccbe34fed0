package org.smcroute.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Upcall;
import org.smcroute.loop.Stream;
import org.smcroute.net.Addr;

/** The event stream: the JSON of each event, several clients, and the bounded buffer. */
class EventHubTest {

    private static String next(Stream s) {
        byte[] b = s.next();
        return b == Stream.WAIT ? "WAIT" : b == Stream.ABORT ? "ABORT" : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void everyEventIsOneJsonLineWithEventAndTime() throws Exception {
        Domain d = new Domain("eth0", "eth1", "eth2");
        d.add("eth0", "10.0.0.2", "225.1.2.3", "eth1", "eth2");
        EventHub hub = d.hub();
        Stream s = hub.open();
        List<Integer> wakeUps = new ArrayList<>();
        s.open(() -> wakeUps.add(1));
        assertThat(next(s)).isEqualTo("WAIT");
        Addr src = Addr.parse("10.0.0.2");
        Addr grp = Addr.parse("225.1.2.3");
        hub.routeAdded(Family.INET, src, grp, 0, 0b110, false);
        assertThat(wakeUps).hasSize(1);
        hub.routeDeleted(Family.INET, src, grp, 0, 0b10, true);
        hub.learned(Upcall.Kind.WRONGVIF, Family.INET, src, grp, 0, 0b100);
        hub.ifaceUp("eth1", 3);
        hub.ifaceDown("eth1", 3);
        hub.reloadStarted();
        hub.reloadDone(false);
        hub.joined(Family.INET6, "eth0", null, Addr.parse("ff0e::1"));
        hub.left(Family.INET, "eth0", src, grp);
        assertThat(wakeUps).hasSize(1);
        String t = "{\"event\":\"%s\",\"time\":\"1970-01-01T00:00:00.000Z\"";
        String sg = ",\"family\":\"ipv4\",\"source\":\"10.0.0.2\",\"group\":\"225.1.2.3\",\"iif\":\"eth0\"";
        assertThat(next(s).split("\n")).containsExactly(
                t.formatted("route-add") + sg + ",\"oifs\":[\"eth1\",\"eth2\"],\"learned\":false}",
                t.formatted("route-del") + sg + ",\"oifs\":[\"eth1\"],\"learned\":true}",
                t.formatted("learned") + sg + ",\"oifs\":[\"eth2\"],\"upcall\":\"wrongvif\"}",
                t.formatted("iface-up") + ",\"iface\":\"eth1\",\"ifindex\":3}",
                t.formatted("iface-down") + ",\"iface\":\"eth1\",\"ifindex\":3}",
                t.formatted("reload-start") + "}",
                t.formatted("reload-done") + ",\"ok\":false}",
                t.formatted("join") + ",\"family\":\"ipv6\",\"iface\":\"eth0\",\"source\":null,\"group\":\"ff0e::1\"}",
                t.formatted("leave") + ",\"family\":\"ipv4\",\"iface\":\"eth0\",\"source\":\"10.0.0.2\",\"group\":\"225.1.2.3\"}");
        assertThat(next(s)).isEqualTo("WAIT");
    }

    @Test
    void aClientThatFallsBehindIsDroppedAndTheOthersGoOn() throws Exception {
        Domain d = new Domain("eth0");
        EventHub hub = d.hub();
        Stream slow = hub.open();
        Stream fast = hub.open();
        slow.open(() -> { });
        fast.open(() -> { });
        int sent = 0;
        long bytes = 0;
        while (bytes <= EventHub.BUFFER) {
            hub.ifaceUp("eth0", 2);
            sent++;
            bytes += 71; // one iface-up line
            byte[] b = fast.next();
            assertThat(b).isNotSameAs(Stream.ABORT);
        }
        assertThat(next(slow)).isEqualTo("ABORT");
        assertThat(hub.monitors()).isEqualTo(1);
        assertThat(d.stats.monitorsDropped()).isEqualTo(1);
        assertThat(d.messages).contains("Dropped an event stream client that fell behind by more than 1024 KiB");
        hub.ifaceDown("eth0", 2);
        assertThat(next(fast)).contains("iface-down");
        assertThat(sent).isGreaterThan(10_000);
    }

    @Test
    void aClientThatStopsReadingIsCountedAndOneThatLeavesIsNot() throws Exception {
        Domain d = new Domain("eth0");
        EventHub hub = d.hub();
        hub.open().close(false);
        assertThat(hub.monitors()).isZero();
        assertThat(d.stats.monitorsDropped()).isZero();
        hub.open().close(true);
        assertThat(d.stats.monitorsDropped()).isEqualTo(1);
        assertThat(d.messages).contains("Dropped an event stream client that stopped reading");
    }

    @Test
    void atMost16Clients() throws Exception {
        EventHub hub = new Domain("eth0").hub();
        for (int i = 0; i < EventHub.MAX_MONITORS; i++) {
            assertThat(hub.open()).isNotNull();
        }
        assertThat(hub.open()).isNull();
    }

    @Test
    void timestampsAreFixedWidthUtc() {
        assertThat(Timestamps.utc(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(Timestamps.utc(1_796_226_676_380L)).isEqualTo("2026-12-02T15:51:16.380Z");
        assertThat(Timestamps.utc(-1)).isEqualTo("1969-12-31T23:59:59.999Z");
    }
}

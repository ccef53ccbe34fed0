package org.smcroute.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.conf.Directive;
import org.smcroute.conf.Origin;

/** Which lines a reload applies first. */
class LineChangesTest {

    private static int line;

    private static Directive route(String group, String... to) {
        return new Directive.Mroute(new Origin("f", ++line), "eth0", "10.0.0.2", group, List.of(to));
    }

    private static LineChanges.Prints prints(Directive... ds) {
        LineChanges.Recorder r = new LineChanges.Recorder();
        for (Directive d : ds) {
            r.add(d);
        }
        return r.prints();
    }

    @Test
    void everyLineOfAChangedRouteGoesFirstAndNothingElse() {
        LineChanges.Prints before = prints(route("225.1.1.1", "eth1"), route("225.1.1.2", "eth1"),
                route("225.1.1.3", "eth1"), route("225.1.1.2", "eth3"));
        LineChanges.Prints now = prints(route("225.1.1.1", "eth1"), route("225.1.1.2", "eth1", "eth2"),
                route("225.1.1.3", "eth1"), route("225.1.1.2", "eth3"));
        assertThat(LineChanges.first(before, now)).containsExactly(1, 3);
    }

    @Test
    void theSameRouteWrittenAnotherWayIsTheSameKey() {
        LineChanges.Prints before = prints(route("225.1.1.1", "eth1"), route("225.1.1.1/32", "eth2"));
        LineChanges.Prints now = prints(route("225.1.1.1", "eth1"), route("225.1.1.1/32", "eth3"));
        assertThat(LineChanges.first(before, now)).containsExactly(0, 1);
    }

    @Test
    void movedAndRepeatedLinesAreNoChange() {
        Directive a = route("225.1.1.1", "eth1");
        Directive b = route("225.1.1.2", "eth1");
        assertThat(LineChanges.first(prints(a, b, b), prints(b, a, b))).isEmpty();
        assertThat(LineChanges.first(prints(a, b), prints(b, a, b))).containsExactly(0, 2);
    }

    @Test
    void aChangedInterfaceOrTemplateLineKeepsTheFileOrder() {
        Directive a = route("225.1.1.1", "eth1");
        Directive changed = route("225.1.1.1", "eth2");
        Directive phyint = new Directive.Phyint(new Origin("f", 9), "eth2", null, false, "5");
        Directive template = route("225.1.0.0/16", "eth1");
        assertThat(LineChanges.first(prints(a), prints(phyint, changed))).isEmpty();
        assertThat(LineChanges.first(prints(a, template), prints(changed))).isEmpty();
        Directive proxy = new Directive.Mproxy(new Origin("f", 9), "eth0", "225.0.0.0/8", List.of("eth1"), null);
        assertThat(LineChanges.first(prints(a), prints(proxy, changed))).isEmpty();
        Directive join = new Directive.Mgroup(new Origin("f", 9), "eth1", null, "225.9.9.9");
        assertThat(LineChanges.first(prints(a), prints(join, changed))).containsExactly(1);
    }

    @Test
    void aBigChangeKeepsTheFileOrder() {
        List<Directive> before = new ArrayList<>();
        List<Directive> now = new ArrayList<>();
        for (int i = 0; i <= LineChanges.MAX_FIRST; i++) {
            before.add(route("225.1.2." + (i % 250), "eth" + i));
            now.add(route("225.1.2." + (i % 250), "eth" + (i + 1)));
        }
        assertThat(LineChanges.first(prints(before.toArray(new Directive[0])), prints(now.subList(0, 200).toArray(new Directive[0]))))
                .hasSize(200);
        assertThat(LineChanges.first(prints(before.toArray(new Directive[0])), prints(now.toArray(new Directive[0])))).isEmpty();
    }
}

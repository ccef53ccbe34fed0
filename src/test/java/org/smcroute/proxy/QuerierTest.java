package org.smcroute.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.iface.QuerySettings;
import org.smcroute.net.Addr;

/** Querier election and General Query timing (RFC 3376 sections 6.6.2 and 8), defaults: QI 125 s, QRI 10 s. */
class QuerierTest {

    static final Addr SELF = Addr.parse("10.0.1.5");
    static final Addr LOWER = Addr.parse("10.0.1.1");
    static final Addr HIGHER = Addr.parse("10.0.1.9");

    final List<Long> queries = new ArrayList<>();
    final List<String> changes = new ArrayList<>();
    long now = 5_000_000;

    final Querier q = new Querier(new Querier.Link() {
        @Override
        public Timing timing() {
            return Timing.of(QuerySettings.DEFAULTS, q.adoptedRobustness(), q.adoptedInterval());
        }

        @Override
        public Addr self() {
            return SELF;
        }

        @Override
        public void sendGeneralQuery() {
            queries.add(now);
        }

        @Override
        public void querierChanged() {
            changes.add(q.isQuerier() ? "self" : String.valueOf(q.querier()));
        }
    });

    void advance(long ms) {
        long target = now + ms;
        for (long d; (d = q.deadline()) > 0 && d <= target; ) {
            now = d;
            q.fire(now);
        }
        now = target;
    }

    @Test
    void startsAsQuerierWithStartupQueriesAQuarterIntervalApart() {
        long t0 = now;
        q.start(now);
        advance(300_000);
        // robustness 2: one start-up query 31.25 s after the first, then every 125 s
        assertThat(queries).containsExactly(t0, t0 + 31_250, t0 + 156_250, t0 + 281_250);
        assertThat(q.isQuerier()).isTrue();
        assertThat(q.querier()).isEqualTo(SELF);
    }

    @Test
    void aLowerAddressTakesOverAndTheRouterReturnsWhenItFallsSilent() {
        q.start(now);
        q.heard(LOWER, 0, 0, now);
        assertThat(q.isQuerier()).isFalse();
        assertThat(q.querier()).isEqualTo(LOWER);
        assertThat(changes).containsExactly("10.0.1.1");
        long silentFrom = now;
        advance(254_999); // Other Querier Present Interval: 2 * 125 s + 10 s / 2
        assertThat(q.isQuerier()).isFalse();
        assertThat(queries).hasSize(1);
        advance(1);
        assertThat(q.isQuerier()).isTrue();
        assertThat(changes).containsExactly("10.0.1.1", "self");
        assertThat(queries).containsExactly(silentFrom - 0, silentFrom + 255_000);
    }

    @Test
    void higherAddressesOwnAddressAndTheUnspecifiedOneDoNotCount() {
        q.start(now);
        q.heard(HIGHER, 0, 0, now);
        q.heard(SELF, 0, 0, now);
        q.heard(Addr.ANY4, 0, 0, now);
        assertThat(q.isQuerier()).isTrue();
        assertThat(changes).isEmpty();
        q.heard(LOWER, 0, 0, now);
        q.heard(Addr.parse("10.0.1.3"), 0, 0, now); // above the current querier
        assertThat(q.querier()).isEqualTo(LOWER);
        q.heard(Addr.parse("10.0.1.0"), 0, 0, now);
        assertThat(q.querier()).isEqualTo(Addr.parse("10.0.1.0"));
    }

    @Test
    void theQueriersRobustnessAndIntervalAreAdopted() {
        q.start(now);
        q.heard(LOWER, 3, 60, now);
        assertThat(q.adoptedRobustness()).isEqualTo(3);
        assertThat(q.adoptedInterval()).isEqualTo(60);
        advance(3 * 60_000 + 5_000); // 3 * 60 s + 10 s / 2
        assertThat(q.isQuerier()).isTrue();
        assertThat(q.adoptedRobustness()).isZero();
    }
}
